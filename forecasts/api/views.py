"""The record over HTTP: experts, sources, topics, questions, predictions, verdicts.

Views check roles and input shapes, then call the same services as the admin, so every
integrity rule (versioned corrections, revisions with reasons, quorum) holds identically.
List querysets join or prefetch what their serializers read: a fixed number of queries.
"""

from typing import Any

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from forecasts import selectors, services
from forecasts.api import examples as ex
from forecasts.api import serializers as s
from forecasts.api.filters import (
    ExpertFilter,
    PredictionFilter,
    QuestionFilter,
    ReviewFilter,
    SourceFilter,
)
from forecasts.api.permissions import (
    CanCorrectPredictions,
    EditorOrReadOnly,
    IsReviewer,
    MethodCheckedFirst,
)
from forecasts.api.schema import LedgerAutoSchema
from forecasts.api.scores import (
    TopicTrackRecordSerializer,
    TrackRecordSerializer,
    empty_track_record,
)
from forecasts.models import Expert, Prediction, Question, Review, Source, Topic
from forecasts.services import reviews

PREDICTION_IS_A_RECORD = (
    "published predictions are a record; POST /api/predictions/{id}/corrections/ with reason "
    "and the fields that change."
)


class LedgerViewSet(MethodCheckedFirst, viewsets.GenericViewSet):
    schema = LedgerAutoSchema()
    permission_classes = [EditorOrReadOnly]
    # Ids the database can hold; anything else is a JSON 404 from the catch-all route.
    lookup_value_regex = "[0-9]{1,15}"

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # List filters narrow lists; a record's own URL finds it whatever they would say.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


# --- Experts ------------------------------------------------------------------------------


class ExpertDetailSerializer(s.ExpertSerializer):
    track_record = TrackRecordSerializer(
        read_only=True, help_text="Over all topics; resolved_count 0 and nulls before any."
    )
    track_record_by_topic = TopicTrackRecordSerializer(many=True, read_only=True)

    class Meta(s.ExpertSerializer.Meta):
        fields = [*s.ExpertSerializer.Meta.fields, "track_record", "track_record_by_topic"]


EXPERT_WRITE = [
    ex.request(
        "Vera Ostrova",
        {
            "name": "Vera Ostrova",
            "affiliation": "Institute for Coastal Transport",
            "bio": "Transport economist; writes a weekly column on tolls and ferries.",
            "links": ["https://coastal-transport.example/people/vera-ostrova"],
        },
    ),
    ex.error(
        "400", "No name", "name: This field is required.", {"name": ["This field is required."]}
    ),
    *ex.WRITE_ERRORS,
]


@extend_schema_view(
    list=extend_schema(
        description="Experts by name, 50 a page. Open to everyone, logged in or not. `?search=` "
        "matches name and affiliation, `?topic=<slug>` keeps experts with a prediction on that "
        "topic. A 400 means a filter value is not valid (an unknown topic slug).",
        examples=[ex.response("An expert", ex.EXPERT), ex.BAD_FILTER],
    ),
    retrieve=extend_schema(
        description="An expert with their track record, overall and by topic; before any of "
        "their questions resolves, resolved_count is 0 and the figures are null. Open to "
        "everyone. A 404 means no expert has this slug.",
        examples=[
            ex.response(
                "With a track record",
                {
                    **ex.EXPERT,
                    "track_record": ex.TRACK_RECORD,
                    "track_record_by_topic": [{"topic": ex.TOPIC, **ex.TRACK_RECORD}],
                },
            ),
            ex.response(
                "Nothing resolved yet",
                {**ex.EXPERT, "track_record": ex.EMPTY_TRACK_RECORD, "track_record_by_topic": []},
            ),
        ],
    ),
    create=extend_schema(
        responses={201: s.ExpertSerializer},
        description="Adds an expert; the slug is made from the name (a second Vera Ostrova "
        "gets `vera-ostrova-2`). Editors only: anyone else gets a 403. A 400 names the fields "
        "to fix.",
        examples=[*EXPERT_WRITE, ex.response("Created", ex.EXPERT, code="201")],
    ),
    update=extend_schema(
        description="Replaces an expert's name, affiliation, bio and links (the slug stays). "
        "Editors only (403 otherwise); 400 names the fields to fix, 404 an unknown slug.",
        examples=[*EXPERT_WRITE, ex.response("Updated", ex.EXPERT)],
    ),
    partial_update=extend_schema(
        description="Changes only the fields sent, e.g. the affiliation. Editors only (403 "
        "otherwise); 400 names the fields to fix, 404 an unknown slug.",
        examples=[
            ex.request("New affiliation", {"affiliation": "Harbour City University"}),
            ex.response("Updated", {**ex.EXPERT, "affiliation": "Harbour City University"}),
            ex.error(
                "400",
                "Bad link",
                "links: 0: Enter a valid URL.",
                {"links": {"0": ["Enter a valid URL."]}},
            ),
            *ex.WRITE_ERRORS,
        ],
    ),
)
class ExpertViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    LedgerViewSet,
):
    queryset = Expert.objects.all()
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = ExpertFilter
    search_fields = ["name", "affiliation"]
    ordering_fields = ["name", "created_at"]

    def get_serializer_class(self) -> type:
        return ExpertDetailSerializer if self.action == "retrieve" else s.ExpertSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = selectors.expert_record(self.get_object())
        expert = record.expert
        expert.track_record = record.overall or empty_track_record()
        expert.track_record_by_topic = record.by_topic
        return Response(ExpertDetailSerializer(expert).data)

    def perform_create(self, serializer: s.ExpertSerializer) -> None:
        serializer.instance = services.create_expert(**serializer.validated_data)


# --- Sources and topics -------------------------------------------------------------------


SOURCE_WRITE = [
    ex.request(
        "An article",
        {
            "kind": "article",
            "title": "Bridge toll on borrowed time, says economist",
            "outlet": "Harbour Gazette",
            "url": "https://harbour-gazette.example/2026/03/bridge-toll",
            "published_on": "2026-03-02",
            "text": ex.ARTICLE_TEXT,
        },
    ),
    ex.error(
        "400",
        "Neither title nor URL",
        "title: A source needs a title or a URL.",
        {"title": ["A source needs a title or a URL."]},
    ),
    *ex.WRITE_ERRORS,
]


@extend_schema_view(
    list=extend_schema(
        description="Sources (articles, broadcasts, posts, reports), 50 a page. Open to "
        "everyone. Filter by `kind`, `outlet` or `published_on_after`/`published_on_before`; "
        "`?search=` matches title, outlet and URL. A 400 means a filter value is not valid.",
        examples=[
            ex.response("A source", ex.SOURCE),
            ex.error(
                "400",
                "Bad date",
                "published_on: Enter a valid date.",
                {"published_on": ["Enter a valid date."]},
            ),
        ],
    ),
    retrieve=extend_schema(
        description="One source by id. Open to everyone; a 404 means no source has this id.",
        examples=[ex.response("A source", ex.SOURCE)],
    ),
    create=extend_schema(
        request=s.SourceWriteSerializer,
        responses={201: s.SourceSerializer, 200: s.SourceSerializer},
        description="Adds a source: 201. A source with a known URL (or title and outlet) is "
        "returned as it is: 200, so posting twice is safe. `text` keeps the article's text for "
        "the extraction assistant. Editors only (403 otherwise); a 400 names the fields to fix.",
        examples=[
            *SOURCE_WRITE,
            ex.response("Created", ex.SOURCE, code="201"),
            ex.response("Already known", ex.SOURCE, code="200"),
        ],
    ),
    update=extend_schema(
        request=s.SourceWriteSerializer,
        description="Replaces a source's details (kind, title, outlet, via, URL, date, text). "
        "Editors only (403 otherwise); 400 names the fields to fix, 404 an unknown id.",
        examples=[*SOURCE_WRITE, ex.response("Updated", ex.SOURCE)],
    ),
    partial_update=extend_schema(
        request=s.SourceWriteSerializer,
        description="Changes only the fields sent, e.g. the publication date. Editors only "
        "(403 otherwise); 400 names the fields to fix, 404 an unknown id.",
        examples=[
            ex.request("New date", {"published_on": "2026-03-01"}),
            ex.response("Updated", {**ex.SOURCE, "published_on": "2026-03-01"}),
            ex.error(
                "400",
                "Bad kind",
                'kind: "podcast" is not a valid choice.',
                {"kind": ['"podcast" is not a valid choice.']},
            ),
            *ex.WRITE_ERRORS,
        ],
    ),
)
class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    LedgerViewSet,
):
    queryset = Source.objects.all()
    serializer_class = s.SourceSerializer
    filterset_class = SourceFilter
    search_fields = ["title", "outlet", "url"]
    ordering_fields = ["published_on", "created_at"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._valid(s.SourceWriteSerializer(data=request.data))
        started = timezone.now()
        source = services.get_or_create_source(**{"title": "", **data})
        created = source.created_at >= started
        return Response(
            s.SourceSerializer(source).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        source = self.get_object()
        partial = kwargs.get("partial", False)
        writer = s.SourceWriteSerializer(source, data=request.data, partial=partial)
        writer.is_valid(raise_exception=True)
        for field, value in writer.validated_data.items():
            setattr(source, field, value)
        source.full_clean()
        with transaction.atomic():
            source.save()  # as the admin does: a source's details are not a versioned record
        return Response(s.SourceSerializer(source).data)

    @staticmethod
    def _valid(serializer: Any) -> dict:
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        description="Topics by name, 50 a page; `?search=` matches the name. Open to everyone. "
        "A 400 means a query parameter is not valid.",
        examples=[ex.response("A topic", ex.TOPIC)],
    ),
    retrieve=extend_schema(
        description="One topic by slug. Open to everyone; a 404 means no topic has this slug.",
        examples=[ex.response("A topic", ex.TOPIC)],
    ),
    create=extend_schema(
        responses={201: s.TopicSerializer},
        description="Adds a topic; a topic of the same name (in any case) is returned instead "
        "of a duplicate. Editors only (403 otherwise); a 400 names the fields to fix.",
        examples=[
            ex.request("Transport", {"name": "Transport"}),
            ex.response("Created", ex.TOPIC, code="201"),
            ex.error(
                "400",
                "No name",
                "name: This field is required.",
                {"name": ["This field is required."]},
            ),
            *ex.WRITE_ERRORS,
        ],
    ),
)
class TopicViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, LedgerViewSet
):
    queryset = Topic.objects.all()
    serializer_class = s.TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    search_fields = ["name"]
    ordering_fields = ["name"]

    def perform_create(self, serializer: s.TopicSerializer) -> None:
        serializer.instance = services.get_or_create_topic(name=serializer.validated_data["name"])


# --- Questions ----------------------------------------------------------------------------


def topics_from(names: list[str]) -> list[Topic]:
    """Topics by slug, else by name (made when new), in the order given."""
    by_slug = Topic.objects.in_bulk([n for n in names if n], field_name="slug")
    return [by_slug.get(n) or services.get_or_create_topic(name=n) for n in names]


def current_prediction_count() -> Subquery:
    counts = (
        Prediction.objects.current()
        .filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


QUESTION_NEW = {
    "title": ex.QUESTION_TITLE,
    "resolution_criteria": ex.CRITERIA,
    "deadline": "2027-12-31",
    "topics": ["transport"],
    "consensus_probability": 0.35,
    "consensus_source": "Harbour Futures market, 1 March 2026",
}
REVISION_ERRORS = [
    ex.error(
        "400",
        "No reason",
        "reason: Say why the question changes; the reason is kept.",
        {"reason": ["Say why the question changes; the reason is kept."]},
    ),
    ex.error(
        "400",
        "Already resolved",
        "This question is already resolved; re-resolve it instead of editing its terms.",
        {
            "detail": [
                "This question is already resolved; re-resolve it instead of editing its terms."
            ]
        },
    ),
    *ex.WRITE_ERRORS,
]
REVISED = ex.QUESTION_DETAIL | {
    "deadline": "2028-03-31",
    "version": 2,
    "revisions": [
        {
            "version": 1,
            "title": ex.QUESTION_TITLE,
            "resolution_criteria": ex.CRITERIA,
            "deadline": "2027-12-31",
            "reason": "",
            "changed_at": "2026-03-02T11:20:00Z",
        }
    ],
}


@extend_schema_view(
    list=extend_schema(
        description="Questions by deadline, 50 a page, each with its count of current "
        "predictions. Open to everyone. Filter by `status` (repeatable), `outcome`, `topic`, "
        "`expert` or `deadline_after`/`deadline_before`; `?search=` matches title and criteria. "
        "A 400 means a filter value is not valid.",
        examples=[ex.response("An open question", ex.QUESTION), ex.BAD_FILTER],
    ),
    retrieve=extend_schema(
        responses=s.QuestionDetailSerializer,
        description="A question with its current predictions (and their scores once it "
        "resolved), every verdict and every revision of its terms. Open to everyone; a 404 "
        "means no question has this id.",
        examples=[
            ex.response("Open", ex.QUESTION_DETAIL),
            ex.response("Resolved YES", ex.RESOLVED_QUESTION),
        ],
    ),
    create=extend_schema(
        request=s.QuestionCreateSerializer,
        responses={201: s.QuestionDetailSerializer},
        description="Adds a question that resolves YES or NO by its deadline. `topics` are "
        "slugs or names; an unknown name creates the topic. Editors only (403 otherwise); a "
        "400 names the fields to fix (e.g. a consensus probability outside 0..1).",
        examples=[
            ex.request("Harbour Bridge toll", QUESTION_NEW),
            ex.response("Created", ex.QUESTION_DETAIL | {"predictions": []}, code="201"),
            ex.error(
                "400",
                "Probability out of range",
                "consensus_probability: Ensure this value is less than or equal to 1.",
                {"consensus_probability": ["Ensure this value is less than or equal to 1."]},
            ),
            *ex.WRITE_ERRORS,
        ],
    ),
    update=extend_schema(
        request=s.QuestionUpdateSerializer,
        responses=s.QuestionDetailSerializer,
        description="Changes a question's terms (title, criteria, deadline): a numbered "
        "revision that needs a `reason`; topics and the consensus figure change without one. "
        "Editors only (403 otherwise). A 400 means no reason, a deadline before a prediction "
        "on it, or a question already resolved; 404 an unknown id.",
        examples=[
            ex.request(
                "Deadline moved",
                {**QUESTION_NEW, "deadline": "2028-03-31", "reason": "The council vote slipped."},
            ),
            ex.response("Revised", REVISED),
            *REVISION_ERRORS,
        ],
    ),
    partial_update=extend_schema(
        request=s.QuestionUpdateSerializer,
        responses=s.QuestionDetailSerializer,
        description="Changes only the fields sent; a change of terms needs a `reason` and "
        "makes a numbered revision. Editors only (403 otherwise). A 400 means no reason, a "
        "deadline before a prediction on it, or a question already resolved; 404 an unknown id.",
        examples=[
            ex.request(
                "Deadline moved",
                {"deadline": "2028-03-31", "reason": "The council vote slipped to March 2028."},
            ),
            ex.request("New consensus", {"consensus_probability": 0.4}),
            ex.response("Revised", REVISED),
            *REVISION_ERRORS,
        ],
    ),
)
class QuestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    LedgerViewSet,
):
    queryset = Question.objects.all()
    serializer_class = s.QuestionSerializer
    filterset_class = QuestionFilter
    search_fields = ["title", "resolution_criteria"]
    ordering_fields = ["deadline", "created_at", "resolved_at"]

    def get_queryset(self) -> QuerySet:
        return (
            Question.objects.prefetch_related("topics")
            .annotate(prediction_count=current_prediction_count())
            .order_by("deadline", "id")
        )

    def get_object(self) -> Question:
        try:
            question = selectors.question_detail(int(self.kwargs["pk"]))
        except (Question.DoesNotExist, ValueError):
            raise Http404 from None
        self.check_object_permissions(self.request, question)
        return question

    def _detail(self, question: Question, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.question_detail(question.pk)
        return Response(s.QuestionDetailSerializer(fresh).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(s.QuestionDetailSerializer(self.get_object()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = s.QuestionCreateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        with transaction.atomic():
            data = dict(writer.validated_data)
            data["topics"] = topics_from(data["topics"])
            question = services.create_question(**data, created_by=request.user)
        return self._detail(question, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        question = self.get_object()
        writer = s.QuestionUpdateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = writer.validated_data
        with transaction.atomic():
            question = services.update_question(
                question=question,
                title=data.get("title", question.title),
                resolution_criteria=data.get("resolution_criteria", question.resolution_criteria),
                deadline=data.get("deadline", question.deadline),
                reason=data["reason"],
                changed_by=request.user,
            )
            # Topics and the consensus figure are context, not the checkable terms: no
            # revision, as in the admin (there is no service for them yet).
            if "topics" in data:
                question.topics.set(topics_from(data["topics"]))
            context = [f for f in ("consensus_probability", "consensus_source") if f in data]
            for field in context:
                setattr(question, field, data[field])
            if context:
                question.save(update_fields=context)
        return self._detail(question)

    @extend_schema(
        request=s.ResolveSerializer,
        responses={201: s.QuestionDetailSerializer},
        description="A reviewer's verdict (admins: a re-resolution with `reason`). The question "
        "resolves when enough reviewers agree; answers with the question's new state. "
        "Reviewers only: anyone else gets a 403. A 400 means a bad outcome or no evidence URL "
        "for yes/no; a 409 that the question is not due yet, is already settled, or that you "
        "already gave a verdict in this round.",
        examples=[
            ex.request(
                "YES, with evidence",
                {
                    "outcome": "yes",
                    "evidence_url": "https://harbour-city.example/notices/2027-toll-ends",
                    "note": "The council notice of 3 November 2027 ends the toll.",
                },
            ),
            ex.request(
                "Annulled",
                {"outcome": "annulled", "note": "The bridge was closed for all of 2027."},
            ),
            ex.response("Resolved", ex.RESOLVED_QUESTION, code="201"),
            ex.error(
                "400",
                "Not an outcome",
                'outcome: "maybe" is not an outcome: use yes, no or annulled.',
                {"outcome": ['"maybe" is not an outcome: use yes, no or annulled.']},
            ),
            ex.NOT_LOGGED_IN,
            ex.NOT_A_REVIEWER,
            ex.error(
                "409",
                "Not due",
                "This question is not due for review yet: its deadline is 2027-12-31.",
            ),
            ex.error(
                "409",
                "Already resolved",
                "This question was already resolved as YES by bob on 2028-01-05 09:12 UTC; "
                "an admin can re-resolve it with a reason.",
            ),
        ],
    )
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def resolve(self, request: Request, pk: str) -> Response:
        question = self.get_object()
        verdict = s.ResolveSerializer(data=request.data)
        verdict.is_valid(raise_exception=True)
        reviews.submit_verdict(question=question, reviewer=request.user, **verdict.validated_data)
        return self._detail(question, status.HTTP_201_CREATED)


# --- Predictions and verdicts -------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description="Current predictions, 50 a page; versions replaced by a correction are "
        "hidden unless `include_superseded=true`. Open to everyone. Filter by `expert`, "
        "`question`, `source`, `topic`, `status`, `basis`, `made_on_*` or `deadline_*`; "
        "`?search=` matches quote, phrase, question title and expert name. A 400 means a filter "
        "value is not valid.",
        examples=[ex.response("A prediction", ex.PREDICTION), ex.BAD_FILTER],
    ),
    retrieve=extend_schema(
        responses=s.PredictionDetailSerializer,
        description="One prediction with every version of it, oldest first. Open to everyone; "
        "a 404 means no prediction has this id.",
        examples=[
            ex.response("As published", ex.PREDICTION_DETAIL),
            ex.response("Corrected", ex.CORRECTED_PREDICTION),
        ],
    ),
    create=extend_schema(
        request=s.PredictionCreateSerializer,
        responses={201: s.PredictionDetailSerializer},
        description="Records a prediction: an expert (slug), a question (`question` id, or "
        "`new_question` to create it too), the probability of YES as a number (0.7), a "
        'percentage ("70%") or the words used ("is confident that"), the date it was made, and '
        "its source (`source` id or `source_url`). Editors only (403 otherwise); a 400 names the "
        "fields to fix, e.g. an unknown expert or words that map to no number.",
        examples=[
            ex.request(
                "A percentage",
                {
                    "expert": "vera-ostrova",
                    "question": 12,
                    "probability": "70%",
                    "made_on": "2026-03-02",
                    "source_url": "https://harbour-gazette.example/2026/03/bridge-toll",
                    "quote": "I put it at 70% that the toll goes before the end of 2027.",
                },
            ),
            ex.request(
                "Words, with a new question",
                {
                    "expert": "vera-ostrova",
                    "new_question": QUESTION_NEW,
                    "probability": "is confident that",
                    "made_on": "2026-03-02",
                    "quote": ex.QUOTE,
                    "phrase": "is confident that",
                },
            ),
            ex.request(
                "A number",
                {
                    "expert": "vera-ostrova",
                    "question": 12,
                    "probability": 0.7,
                    "made_on": "2026-03-02",
                },
            ),
            ex.response("Recorded", ex.PREDICTION_DETAIL, code="201"),
            ex.error(
                "400",
                "Both question and new_question",
                "question: Give either `question` (an id) or `new_question`, not both.",
                {"question": ["Give either `question` (an id) or `new_question`, not both."]},
            ),
            ex.error(
                "400",
                "Unknown expert",
                "expert: Object with slug=vera-ostrova does not exist.",
                {"expert": ["Object with slug=vera-ostrova does not exist."]},
            ),
            *ex.WRITE_ERRORS,
        ],
    ),
)
class PredictionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, LedgerViewSet
):
    queryset = Prediction.objects.select_related("expert", "question", "source", "score")
    serializer_class = s.PredictionSerializer
    filterset_class = PredictionFilter
    search_fields = ["quote", "phrase", "question__title", "expert__name"]
    ordering_fields = ["made_on", "created_at", "probability"]

    def get_serializer_class(self) -> type:
        return s.PredictionDetailSerializer if self.action == "retrieve" else s.PredictionSerializer

    def http_method_not_allowed(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.method in ("PUT", "PATCH"):
            raise exceptions.MethodNotAllowed(request.method, detail=PREDICTION_IS_A_RECORD)
        return super().http_method_not_allowed(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = s.PredictionCreateSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        with transaction.atomic():
            if "new_question" in data:
                terms = dict(data.pop("new_question"))
                terms["topics"] = topics_from(terms["topics"])
                data["question"] = services.create_question(**terms, created_by=request.user)
            prediction = services.record_prediction(**data, recorded_by=request.user)
        return self._detail(prediction, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CorrectionSerializer,
        responses={201: s.PredictionDetailSerializer},
        description="Corrects a published prediction: a new version with the fields that "
        "change and a `reason`; the old version stays in the history. Editors only: anyone "
        "else gets a 403. A 400 names the fields to fix (a reason is required); a 404 means no "
        "prediction has this id.",
        examples=[
            ex.request(
                "Probability corrected",
                {
                    "reason": "The article was updated: she said 70%, not 'confident'.",
                    "probability": 0.7,
                },
            ),
            ex.response("Corrected", ex.CORRECTED_PREDICTION, code="201"),
            ex.error(
                "400",
                "No reason",
                "reason: This field is required.",
                {"reason": ["This field is required."]},
            ),
            ex.NOT_LOGGED_IN,
            ex.NOT_A_CORRECTOR,
        ],
    )
    @action(detail=True, methods=["post"], permission_classes=[CanCorrectPredictions])
    def corrections(self, request: Request, pk: str) -> Response:
        prediction = self.get_object()
        writer = s.CorrectionSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        changes = dict(writer.validated_data)
        corrected = services.correct_prediction(
            prediction=prediction,
            reason=changes.pop("reason"),
            corrected_by=request.user,
            **changes,
        )
        return self._detail(corrected, status.HTTP_201_CREATED)

    def _detail(self, prediction: Prediction, code: int) -> Response:
        fresh = self.get_queryset().get(pk=prediction.pk)
        return Response(s.PredictionDetailSerializer(fresh).data, status=code)


@extend_schema_view(
    list=extend_schema(
        description="Every verdict ever given, newest first, each re-resolution round kept. "
        "Open to everyone. Filter by `question`, `outcome` or `round`. A 400 means a filter "
        "value is not valid.",
        examples=[
            ex.response("A verdict", ex.REVIEW),
            ex.error(
                "400",
                "Bad outcome",
                "outcome: Select a valid choice. maybe is not one of the available choices.",
                {"outcome": ["Select a valid choice. maybe is not one of the available choices."]},
            ),
        ],
    ),
    retrieve=extend_schema(
        description="One verdict: the reviewer, the outcome, the evidence and the round. Open "
        "to everyone; a 404 means no verdict has this id.",
        examples=[ex.response("A verdict", ex.REVIEW)],
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, LedgerViewSet):
    """Every verdict ever given, each round kept."""

    queryset = Review.objects.select_related("reviewer").order_by("-created_at", "-id")
    serializer_class = s.ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["created_at"]
