"""What the OpenAPI document says of each API operation: descriptions and examples. This
module: experts, sources and topics; openapi_records.py: questions, predictions, verdicts.

Kept apart from the views so that forecasts/api/views.py reads as behaviour; each viewset
applies its entry with @extend_schema_view(**openapi.NAME), each extra action with
@openapi_records.NAME. Every example here is validated against the schema
(tests/api/test_api_schema_docs.py).
"""

from drf_spectacular.utils import extend_schema

from forecasts.api import examples as ex
from forecasts.api import inputs
from forecasts.api import serializers as s

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

EXPERTS = {
    "list": extend_schema(
        description="Experts by name, 50 a page. Open to everyone, logged in or not. `?search=` "
        "matches name and affiliation, `?topic=<slug>` keeps experts with a prediction on that "
        "topic. A 400 means a filter value is not valid (an unknown topic slug).",
        examples=[ex.response("An expert", ex.EXPERT), ex.BAD_FILTER],
    ),
    "retrieve": extend_schema(
        description="An expert with their track record, overall and by topic; before any of "
        "their questions resolves, resolved_count is 0 and the figures are null. Open to "
        "everyone. A 404 means no expert has this slug.",
        examples=[
            ex.response(
                "With a track record",
                {
                    **ex.EXPERT,
                    "track_record": ex.TRACK_RECORD,
                    "prospective_track_record": ex.PROSPECTIVE_TRACK_RECORD,
                    "track_record_by_topic": [{"topic": ex.TOPIC, **ex.TRACK_RECORD}],
                    "revisions": ex.EXPERT_REVISIONS,
                },
            ),
            ex.response(
                "Nothing resolved yet",
                {
                    **ex.EXPERT,
                    "track_record": ex.EMPTY_TRACK_RECORD,
                    "prospective_track_record": ex.EMPTY_TRACK_RECORD,
                    "track_record_by_topic": [],
                    "revisions": [],
                },
            ),
        ],
    ),
    "create": extend_schema(
        responses={201: s.ExpertSerializer, 200: s.ExpertSerializer},
        description="Adds an expert: 201, with `Location`; the slug is made from the name. The "
        "name is the natural key: an expert of the same name (ignoring case and spacing) is "
        "returned as it is, 200, so posting twice is safe (a namesake is added in the admin). "
        "Editors only: anyone else gets a 403. A 400 names the fields to fix.",
        examples=[
            *EXPERT_WRITE,
            ex.response("Created", ex.EXPERT, code="201"),
            ex.response("Already known", ex.EXPERT, code="200"),
        ],
    ),
    "update": extend_schema(
        description="Replaces an expert's name, affiliation, bio and links (the slug stays). "
        "Editors only (403 otherwise); 400 names the fields to fix, 404 an unknown slug.",
        examples=[*EXPERT_WRITE, ex.response("Updated", ex.EXPERT)],
    ),
    "partial_update": extend_schema(
        description="Changes only the fields sent, e.g. the affiliation, with an optional "
        "`reason`; every change is kept as a numbered revision (see `revisions` on the expert). "
        "Editors only (403 otherwise); 400 names the fields to fix, 404 an unknown slug.",
        examples=[
            ex.request(
                "New affiliation",
                {
                    "affiliation": "Harbour City University",
                    "reason": "Joined the university in March.",
                },
            ),
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
}

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

SOURCES = {
    "list": extend_schema(
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
    "retrieve": extend_schema(
        responses={200: s.SourceDetailSerializer},
        description="One source by id, with the versions of its details. Open to everyone; a "
        "404 means no source has this id.",
        examples=[ex.response("A source", ex.SOURCE_DETAIL)],
    ),
    "create": extend_schema(
        request=inputs.SourceWriteSerializer,
        responses={201: s.SourceSerializer, 200: s.SourceSerializer},
        description="Adds a source: 201, with `Location`. A source with a known URL (or title "
        "and outlet) is returned as it is: 200, so posting twice is safe. `text` keeps the "
        "article's text for the extraction assistant. Editors only (403 otherwise); a 400 "
        "names the fields to fix.",
        examples=[
            *SOURCE_WRITE,
            ex.response("Created", ex.SOURCE, code="201"),
            ex.response("Already known", ex.SOURCE, code="200"),
        ],
    ),
    "update": extend_schema(
        request=inputs.SourceWriteSerializer,
        description="Replaces a source's details (kind, title, outlet, via, URL, date, text). "
        "Editors only (403 otherwise); 400 names the fields to fix, 404 an unknown id.",
        examples=[*SOURCE_WRITE, ex.response("Updated", ex.SOURCE)],
    ),
    "partial_update": extend_schema(
        request=inputs.SourceWriteSerializer,
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
}

TOPICS = {
    "list": extend_schema(
        description="Topics by name, 50 a page; `?search=` matches the name. Open to everyone. "
        "A 400 means a query parameter is not valid.",
        examples=[ex.response("A topic", ex.TOPIC)],
    ),
    "retrieve": extend_schema(
        description="One topic by slug. Open to everyone; a 404 means no topic has this slug.",
        examples=[ex.response("A topic", ex.TOPIC)],
    ),
    "create": extend_schema(
        responses={201: s.TopicSerializer, 200: s.TopicSerializer},
        description="Adds a topic: 201, with `Location`. A topic of the same name (in any case) "
        "is returned as it is: 200, so posting twice is safe. Editors only (403 otherwise); a "
        "400 names the fields to fix.",
        examples=[
            ex.request("Transport", {"name": "Transport"}),
            ex.response("Created", ex.TOPIC, code="201"),
            ex.response("Already known", ex.TOPIC, code="200"),
            ex.error(
                "400",
                "No name",
                "name: This field is required.",
                {"name": ["This field is required."]},
            ),
            *ex.WRITE_ERRORS,
        ],
    ),
}
