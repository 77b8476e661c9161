"""Named request and response components of the extraction endpoints (forecasts/extraction/
api.py), so a generated client gets `ExtractRequest` and `Extraction`, not `ExtractCreateJsonBody`.

Candidates and plans are open objects here: their fields belong to the extraction assistant
(docs/extraction.md) and are shown in the examples.
"""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

PUBLISHED_ON = "The article's date; relative deadlines (\u201cnext year\u201d) count from it."

EXTRACT_JSON = inline_serializer(
    "Extract",
    fields={
        "text": serializers.CharField(required=False, help_text="The article's text."),
        "html": serializers.CharField(required=False, help_text="The article's HTML."),
        "url": serializers.CharField(required=False, help_text="A page to fetch."),
        "published_on": serializers.DateField(required=False, help_text=PUBLISHED_ON),
    },
)
EXTRACT_UPLOAD = inline_serializer(
    "ExtractUpload",
    fields={
        "file": serializers.FileField(required=False, help_text="An HTML or text file."),
        "published_on": serializers.DateField(required=False, help_text=PUBLISHED_ON),
    },
)
# JSON, or multipart for an uploaded file: the only endpoints that take multipart.
EXTRACT_BODIES = {"application/json": EXTRACT_JSON, "multipart/form-data": EXTRACT_UPLOAD}

EXTRACTION = inline_serializer(
    "Extraction",
    fields={
        "candidates": serializers.ListField(
            child=serializers.DictField(), help_text="Candidate predictions, in text order."
        ),
        "plans": serializers.ListField(child=serializers.DictField(), required=False),
        "to_check": inline_serializer(
            "SentenceToCheck",
            fields={
                "sentence_index": serializers.IntegerField(help_text="Its place in the text."),
                "sentence": serializers.CharField(),
                "speaker": serializers.CharField(
                    allow_blank=True, help_text='Who the assistant thinks says it; "" if none.'
                ),
                "reason": serializers.CharField(help_text="Why nothing was proposed, in words."),
                "code": serializers.ChoiceField(
                    choices=["plan", "not_read", "no_speaker"],
                    help_text="The reason as a code: read as the speaker's plan (also among "
                    "`plans`), not read as a forecast, or no named speaker found.",
                ),
            },
            many=True,
            help_text="Forward-looking sentences nothing was proposed from, for the editor to "
            "read; record one through POST /api/predictions/.",
        ),
        "article": serializers.DictField(help_text="title, published_on, url, characters."),
    },
)

CONFIRM_DRAFTS = inline_serializer(
    "ConfirmDrafts",
    fields={
        "drafts": serializers.ListField(
            child=serializers.DictField(),
            help_text="[{draft_id, and any of speaker, question_title, resolution_criteria, "
            "deadline, probability, quote, topics (a list of topic names, for a new question), "
            "question (an open question's id)}]",
        )
    },
)
CONFIRMED = inline_serializer(
    "ConfirmedDrafts",
    fields={
        "predictions": serializers.ListField(
            child=serializers.DictField(), help_text="[{draft_id, prediction, question, expert}]"
        )
    },
)
