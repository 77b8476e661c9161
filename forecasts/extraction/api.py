"""POST /api/extract/ (propose, save nothing) and POST /api/sources/{id}/extract/ (keep the
text on the source and the candidates as drafts). Editors only; every refusal is a JSON 4xx."""

import datetime as dt
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasts.api import examples as ex
from forecasts.api.extraction_schema import (
    CONFIRM_DRAFTS,
    CONFIRMED,
    EXTRACT_BODIES,
    EXTRACTION,
)
from forecasts.api.parsers import JSONParser
from forecasts.api.schema import LedgerAutoSchema
from forecasts.api.serializers import ErrorSerializer
from forecasts.extraction import drafts, service
from forecasts.extraction.errors import (
    ExtractionInputError,
    InputTooLarge,
    NotAnArticle,
    UnsupportedInput,
)
from forecasts.extraction.text import MAX_UPLOAD_BYTES
from forecasts.models import Source


class CanExtract(permissions.BasePermission):
    message = "Only editors can run the extraction assistant: ask an admin for the Editors group."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("forecasts.add_prediction"))


def _upload(value: Any) -> bytes | str | None:
    if isinstance(value, UploadedFile):
        if value.size and value.size > MAX_UPLOAD_BYTES:
            raise InputTooLarge(f"The upload is larger than {MAX_UPLOAD_BYTES // 1048576} MB.")
        return value.read(MAX_UPLOAD_BYTES + 1)
    return value


def _date(value: Any, name: str = "published_on", field: str = "") -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ExtractionInputError(
            f"`{name}` must be a date like 2025-05-28.", field=field or name
        ) from None


def _inputs(request: Request) -> dict[str, Any]:
    """text / html (a string or an uploaded file, also as `file`) / url, and published_on."""
    try:
        data = request.data
    except RequestDataTooBig:
        raise InputTooLarge("The request is too large; send one article at a time.") from None
    if not hasattr(data, "get"):
        raise ExtractionInputError('Send an object: {"text": "..."}, {"url": ...} or html.')
    files = getattr(request, "FILES", {})
    html = _upload(files.get("html") or files.get("file") or data.get("html"))
    for name in ("text", "url"):
        if data.get(name) is not None and not isinstance(data.get(name), str):
            raise ExtractionInputError(f"`{name}` must be a string.", field=name)
    if html is not None and not isinstance(html, str | bytes):
        raise UnsupportedInput("`html` must be a string or an uploaded file.", field="html")
    return {
        # "" kept apart from absent, so that an empty `text` is said to be empty.
        "text": data.get("text"),
        "html": html,
        "url": data.get("url"),
        "published_on": _date(data.get("published_on")),
    }


def _stored_input(source: Source) -> dict[str, str]:
    if source.text.strip():
        return {"text": source.text}
    if source.url:
        return {"url": source.url}
    raise NotAnArticle("This source has no text and no URL: send `text`, `html` or `url`.")


def _error(exc: ExtractionInputError) -> Response:
    """`detail` to show, and `errors` by field, as every other API error of a bad request."""
    body: dict[str, Any] = {"detail": str(exc)}
    if exc.status == 400:
        body["errors"] = {exc.field: [str(exc)]}
    return Response(body, status=exc.status)


def _article(extraction: service.Extraction) -> dict[str, Any]:
    article = extraction.article
    published = article.published_on.isoformat() if article.published_on else None
    return {
        "title": article.title,
        "published_on": published,
        "url": extraction.url,
        "characters": len(article.text),
    }


EXTRACT_REQUESTS = [
    ex.request(
        "An article's text",
        {"text": ex.ARTICLE_TEXT, "published_on": "2026-03-02"},
        summary="Text, with its publication date (relative deadlines count from it)",
    ),
    ex.error(
        "400",
        "Two inputs",
        "Give exactly one of `text`, `html` or `url` (got text, url).",
    ),
    ex.error("400", "Bad date", "`published_on` must be a date like 2025-05-28."),
    ex.error("401", "Not logged in", ex.NOT_AUTHENTICATED),
]
NOT_AN_EXTRACTOR = str(CanExtract.message)


class ExtractView(APIView):
    """Propose candidate predictions from `text`, `html` or `url`; nothing is saved."""

    parser_classes = [JSONParser, parsers.MultiPartParser]  # an article uploaded as a file
    permission_classes = [CanExtract]
    schema = LedgerAutoSchema()

    @extend_schema(
        request=EXTRACT_BODIES,
        responses={200: EXTRACTION, 422: ErrorSerializer},
        description="Proposes candidate predictions from one article: `text`, `html` (a "
        "string or an uploaded file) or `url` (fetched), with an optional `published_on`. Each "
        'candidate has the speaker, the claim, the probability its words map to ("will '
        'probably" → 0.75) and a suggested question; nothing is saved. Editors only: anyone '
        "else gets a 403. A 400 means no input, more than one, or a bad date; 413 an input too "
        "large; 415 a kind of file it cannot read; 422 a text that is not an article.",
        examples=[
            *EXTRACT_REQUESTS,
            ex.error("403", "Not an editor", NOT_AN_EXTRACTOR),
            ex.response(
                "Candidates",
                {
                    "candidates": [ex.CANDIDATE],
                    "plans": [],
                    "to_check": [ex.SENTENCE_TO_CHECK],
                    "article": ex.ARTICLE,
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        try:
            extraction = service.extract(**_inputs(request))
        except ExtractionInputError as exc:
            return _error(exc)
        candidates = [c.as_dict() for c in extraction.candidates]
        plans = [c.as_dict() for c in extraction.plans]
        return Response(
            {
                "candidates": candidates,
                "plans": plans,
                "to_check": [u.as_dict() for u in extraction.to_check],
                "article": _article(extraction),
            }
        )


class SourceExtractView(APIView):
    """Run the assistant on a source (its stored text, its URL, or a new input) and keep the
    candidates as drafts for an editor to confirm in the admin."""

    parser_classes = [JSONParser, parsers.MultiPartParser]  # an article uploaded as a file
    permission_classes = [CanExtract]
    schema = LedgerAutoSchema()

    @extend_schema(
        request=EXTRACT_BODIES,
        responses={201: EXTRACTION, 422: ErrorSerializer},
        description="Runs the extraction assistant on a source: on the `text`, `html` or `url` "
        "sent, else on the source's stored text, else on its URL. The text is kept on the "
        "source and each candidate is saved as a draft (`draft_id`) for an editor to confirm "
        "in the admin. Editors only: anyone else gets a 403. A 400 means more than one input "
        "or a bad date, 404 no source with this id, 413 an input too large, 415 a file it "
        "cannot read, 422 a text that is not an article (or a source with nothing to read).",
        examples=[
            ex.request("Stored text", {}, summary="Use the source's own text or URL"),
            *EXTRACT_REQUESTS,
            ex.error("403", "Not an editor", NOT_AN_EXTRACTOR),
            ex.response(
                "Drafts saved",
                {
                    "candidates": [{"draft_id": 7, **ex.CANDIDATE}],
                    "plans": [],
                    "to_check": [ex.SENTENCE_TO_CHECK],
                    "article": ex.ARTICLE,
                },
                code="201",
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        source = get_object_or_404(Source, pk=pk)
        try:
            inputs = _inputs(request)
            if not (inputs["text"] or inputs["html"] or inputs["url"]):
                inputs.update(_stored_input(source))
            inputs["published_on"] = inputs["published_on"] or source.published_on
            extraction = service.extract(**inputs)
        except ExtractionInputError as exc:
            return _error(exc)
        drafts.store_source_text(source=source, text=extraction.article.text)
        saved = drafts.save_drafts(
            source=source, candidates=extraction.candidates, user=request.user
        )
        body = [{"draft_id": d.pk, **d.candidate} for d in saved]
        plans = [c.as_dict() for c in extraction.plans]
        to_check = [u.as_dict() for u in extraction.to_check]
        return Response(
            {
                "candidates": body,
                "plans": plans,
                "to_check": to_check,
                "article": _article(extraction),
            },
            status=201,
        )


_CHANGEABLE = ("speaker", "question_title", "resolution_criteria", "probability", "quote")


def _draft_changes(data: Any) -> list[tuple[int, dict]]:
    rows = data.get("drafts") if hasattr(data, "get") else None
    if not isinstance(rows, list) or not rows:
        raise ExtractionInputError(
            'Send {"drafts": [{"draft_id": 7, ...}]}: the drafts to confirm.', field="drafts"
        )
    changes = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("draft_id"), int):
            raise ExtractionInputError(
                "Each item of `drafts` needs an integer `draft_id`.", field="drafts"
            )
        edited = {k: str(row[k]) for k in _CHANGEABLE if row.get(k) not in (None, "")}
        if row.get("deadline"):
            edited["deadline"] = _date(row["deadline"], "deadline", field="drafts")
        if row.get("question") is not None:
            if not isinstance(row["question"], int) or isinstance(row["question"], bool):
                raise ExtractionInputError(
                    "`question` is an existing question's id (integer).", field="drafts"
                )
            edited["question"] = row["question"]
        if row.get("topics") is not None:
            edited["topics"] = _topic_names(row["topics"], row["draft_id"])
        changes.append((row["draft_id"], edited))
    return changes


def _topics_refusal(draft_id: int) -> str:
    return f'`topics` of draft {draft_id} is a list of topic names (strings): ["South Caucasus"].'


def _topic_names(value: Any, draft_id: int) -> list[str]:
    names = value if isinstance(value, list) else [None]
    if not all(isinstance(name, str) and name.strip() for name in names):
        raise ExtractionInputError(_topics_refusal(draft_id), field="drafts")
    return names


BAD_TOPICS = _topics_refusal(8)


class ConfirmDraftsView(APIView):
    """Confirm a source's drafts, each possibly edited, into predictions: all or nothing."""

    permission_classes = [CanExtract]
    schema = LedgerAutoSchema()

    @extend_schema(
        request=CONFIRM_DRAFTS,
        responses={201: CONFIRMED},
        description="Records the chosen drafts of a source as predictions, in one transaction: "
        '`{"drafts": [{"draft_id": 7, "question_title": "...", "probability": "70%"}]}`; '
        "`speaker`, `question_title`, `resolution_criteria`, `deadline`, `probability` and "
        "`quote` may be changed, the rest is taken from the draft; `topics` (a list of topic "
        'names or slugs, e.g. `["South Caucasus"]`; a new name is made a topic) are given to '
        "the question when the draft creates it, and ignored when it goes to a question "
        "already on record; `question` (an open question's "
        "id, e.g. one of `GET /api/questions/?similar_to=`) attaches it to that question "
        "instead of creating one. The same claim already on record is refused. A draft marked "
        "`needs_editing` is refused (400) until its `question_title` is rewritten. Editors "
        "only.",
        examples=[
            ex.request(
                "Two drafts, one retitled",
                {
                    "drafts": [
                        {"draft_id": 7},
                        {
                            "draft_id": 8,
                            "question_title": "Will the new pier open by 2028?",
                            "topics": ["Transport"],
                        },
                    ]
                },
            ),
            ex.error("400", "Unedited", "Candidate 2 (Lotte Brenner): question_title: ..."),
            ex.error("400", "Bad topics", BAD_TOPICS, {"drafts": [BAD_TOPICS]}),
            ex.error("401", "Not logged in", ex.NOT_AUTHENTICATED),
            ex.error("403", "Not an editor", NOT_AN_EXTRACTOR),
            ex.response(
                "Recorded",
                {"predictions": [{"draft_id": 7, "prediction": 31, "question": 12, "expert": 4}]},
                code="201",
            ),
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        source = get_object_or_404(Source, pk=pk)
        try:
            changes = _draft_changes(request.data)
            predictions = drafts.confirm_drafts(source=source, changes=changes, user=request.user)
        except ExtractionInputError as exc:
            return _error(exc)
        except ValidationError as exc:
            body = {"detail": " ".join(exc.messages), "errors": {"drafts": exc.messages}}
            return Response(body, status=400)
        body = [
            {"draft_id": pk, "prediction": p.pk, "question": p.question_id, "expert": p.expert_id}
            for (pk, _), p in zip(changes, predictions, strict=True)
        ]
        return Response({"predictions": body}, status=201)
