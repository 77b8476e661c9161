"""OpenAPI examples: fictional records in our own words, shared by the operations' docs.

Request examples are sent as they are by the schema tests (schemathesis), so each one is a
request the API accepts, or refuses with a 4xx. Response examples follow the response schema.
"""

from drf_spectacular.utils import OpenApiExample

from forecasts.api.errors import NOT_AUTHENTICATED
from forecasts.api.permissions import CanCorrectPredictions, EditorOrReadOnly, IsReviewer

# --- Records, as the API shows them ---------------------------------------------------------

EXPERT_REF = {"slug": "vera-ostrova", "name": "Vera Ostrova"}
EXPERT = {
    **EXPERT_REF,
    "affiliation": "Institute for Coastal Transport",
    "bio": "Transport economist; writes a weekly column on tolls and ferries.",
    "links": ["https://coastal-transport.example/people/vera-ostrova"],
    "created_at": "2026-01-14T09:30:00Z",
}
_EXPERT_DETAILS = {k: EXPERT[k] for k in ("name", "affiliation", "bio", "links")}
EXPERT_REVISIONS = [
    {
        "version": 1,
        "details": {**_EXPERT_DETAILS, "affiliation": "Harbour City University"},
        "reason": "",
        "changed_at": "2026-01-14T09:30:00Z",
    },
    {
        "version": 2,
        "details": _EXPERT_DETAILS,
        "reason": "Moved to the Institute for Coastal Transport in February.",
        "changed_at": "2026-02-20T16:05:00Z",
    },
]
TOPIC = {"slug": "transport", "name": "Transport"}
SOURCE = {
    "id": 41,
    "kind": "article",
    "title": "Bridge toll on borrowed time, says economist",
    "outlet": "Harbour Gazette",
    "via": "",
    "url": "https://harbour-gazette.example/2026/03/bridge-toll",
    "published_on": "2026-03-02",
    "created_at": "2026-03-02T11:05:00Z",
}
SOURCE_REF = {key: SOURCE[key] for key in ("id", "title", "outlet", "url")}
SOURCE_DETAIL = SOURCE | {"revisions": []}  # no change yet
QUESTION_TITLE = "Will the Harbour Bridge toll be abolished by 31 December 2027?"
CRITERIA = (
    "YES if the toll is no longer charged on 31 December 2027 according to the city's "
    "official notices; NO otherwise; ANNULLED if the bridge is closed for the whole of 2027."
)
QUESTION_REF = {
    "id": 12,
    "title": QUESTION_TITLE,
    "deadline": "2027-12-31",
    "status": "open",
    "outcome": "",
}
QUESTION = {
    **QUESTION_REF,
    "resolution_criteria": CRITERIA,
    "resolved_at": None,
    "topics": [TOPIC],
    "consensus_probability": 0.35,
    "consensus_source": "Harbour Futures market, 1 March 2026",
    "version": 1,
    "prediction_count": 3,
    "created_at": "2026-03-02T11:20:00Z",
}
QUOTE = "I am confident the toll will be gone before the end of 2027."
PREDICTION_BASE = {
    "id": 87,
    "expert": EXPERT_REF,
    "probability": 0.8,
    "basis": "verbal",
    "phrase": "is confident that",
    "table_version": "v2",
    "made_on": "2026-03-02",
    "source": SOURCE_REF,
    "quote": QUOTE,
    "version": 1,
    "supersedes": None,
    "superseded_at": None,
    "correction_reason": "",
    "corrected_after_deadline": False,
    "score": None,
    "created_at": "2026-03-02T11:24:00Z",
    "recorded_at": "2026-03-02T11:24:00Z",
    "recorded_via": "",
    "hindsight": False,
}
NOW = "2028-01-04T09:40:00Z"
PREDICTION = {**PREDICTION_BASE, "question": QUESTION_REF}
PREDICTION_DETAIL = {
    **PREDICTION,
    "history": [
        {
            "id": 87,
            "version": 1,
            "probability": 0.8,
            "made_on": "2026-03-02",
            "correction_reason": "",
            "created_at": "2026-03-02T11:24:00Z",
        }
    ],
}
CORRECTED_PREDICTION = {
    **PREDICTION,
    "id": 93,
    "probability": 0.7,
    "basis": "stated",
    "phrase": "",
    "version": 2,
    "supersedes": 87,
    "correction_reason": "The article was updated: she said 70%, not 'confident'.",
    "created_at": "2026-03-03T08:10:00Z",
    "history": [
        PREDICTION_DETAIL["history"][0],
        {
            "id": 93,
            "version": 2,
            "probability": 0.7,
            "made_on": "2026-03-02",
            "correction_reason": "The article was updated: she said 70%, not 'confident'.",
            "created_at": "2026-03-03T08:10:00Z",
        },
    ],
}
REVIEW = {
    "id": 5,
    "question": 12,
    "round": 1,
    "outcome": "yes",
    "evidence_url": "https://harbour-city.example/notices/2027-toll-ends",
    "note": "The council notice of 3 November 2027 ends the toll from 1 December.",
    "reason": "",
    "reviewer": "bob",
    "created_at": "2028-01-04T10:00:00Z",
}
QUESTION_DETAIL = QUESTION | {
    "prediction_count": 1,
    "predictions": [PREDICTION_BASE],
    "predictions_url": "/api/predictions/?question=12",
    "reviews": [],
    "revisions": [],
}
RESOLVED_QUESTION = QUESTION_DETAIL | {
    "status": "resolved",
    "outcome": "yes",
    "resolved_at": "2028-01-05T09:12:00Z",
    "predictions": [
        PREDICTION_BASE
        | {
            "score": {
                "outcome": 1,
                "brier": 0.04,
                "log_score": -0.2231,
                "baseline": 0.25,
                "peer": -0.11,
                "consensus_relative": -0.38,
                "resolved_on": "2028-01-05",
                "hindsight": False,
                "scoring_version": "scoring-v1",
            }
        }
    ],
    "reviews": [REVIEW, {**REVIEW, "id": 6, "reviewer": "dave", "note": ""}],
}
TRACK_RECORD = {
    "resolved_count": 14,
    "hindsight_share": 0.0714,
    "brier": 0.142,
    "log_score": -0.451,
    "brier_skill": 0.43,
    "base_rate_skill": 0.21,
    "hit_rate": 0.786,
    "hit_rate_low": 0.524,
    "hit_rate_high": 0.924,
    "hit_count": 11,
    "hit_n": 14,
    "ranking_score": 0.158,
    "provisional": False,
    "peer_mean": -0.03,
    "peer_count": 9,
    "consensus_relative_mean": -0.05,
    "consensus_count": 6,
    "yield_score": 0.61,
    "calibration": [
        {
            "lower": 0.6,
            "upper": 0.8,
            "count": 5,
            "mean_forecast": 0.7,
            "observed_rate": 0.8,
            "ci_low": 0.376,
            "ci_high": 0.964,
        }
    ],
    "murphy": {
        "reliability": 0.012,
        "resolution": 0.118,
        "uncertainty": 0.245,
        "within_bin_variance": 0.004,
        "within_bin_covariance": 0.001,
    },
    "last_resolved_on": "2028-01-05",
    "scoring_version": "scoring-v1",
}
PROSPECTIVE_TRACK_RECORD = TRACK_RECORD | {
    "resolved_count": 13,
    "brier": 0.139,
    "log_score": -0.447,
    "brier_skill": 0.444,
    "hit_rate": 0.769,
    "hit_count": 10,
    "hit_n": 13,
    "ranking_score": 0.156,
}
EMPTY_TRACK_RECORD = {key: None for key in TRACK_RECORD if key not in ("calibration", "murphy")} | {
    "resolved_count": 0,
    "hit_count": 0,
    "hit_n": 0,
    "peer_count": 0,
    "consensus_count": 0,
    "ranking_score": 0.0,
    "provisional": True,
    "calibration": [],
    "murphy": dict.fromkeys(TRACK_RECORD["murphy"]),
    "scoring_version": "scoring-v1",
}
LEADERBOARD_ROW = {
    "rank": 1,
    "expert": EXPERT_REF,
    "resolved_count": 14,
    "brier": 0.142,
    "log_score": -0.451,
    "brier_skill": 0.43,
    "hit_rate": 0.786,
    "hit_rate_low": 0.524,
    "hit_rate_high": 0.924,
    "ranking_score": 0.158,
    "peer_mean": -0.03,
    "consensus_relative_mean": -0.05,
    "provisional": False,
    "hindsight_share": 0.0714,
}
ARTICLE_TEXT = (
    "Harbour Notes\n"
    "The city council met on Tuesday to debate the budget for the coming year.\n"
    "\u201cThe Harbour Bridge toll will probably be abolished by the end of 2027,\u201d said "
    "transport economist Vera Ostrova.\n"
    "The toll has been charged since 1998 and raised 14 million last year.\n"
    "Shop owners by the bridge fear that the works could close it for a month."
)
CANDIDATE = {
    "speaker": "Vera Ostrova",
    "claim": "The Harbour Bridge toll will probably be abolished by the end of 2027",
    "quote": "The Harbour Bridge toll will probably be abolished by the end of 2027",
    "phrase": "will probably",
    "probability": 0.75,
    "basis": "verbal",
    "table_version": "v2",
    "suggested_deadline": "2027-12-31",
    "deadline_basis": "named in the claim: \u201cby the end of 2027\u201d",
    "question_title": "Will the Harbour Bridge toll be abolished by the end of 2027?",
    "resolution_criteria": "YES if, by 31 December 2027, reliable public reporting shows "
    "that the toll was abolished; NO otherwise; ANNULLED if it cannot be checked as worded.",
    "sentence_index": 1,
}
SENTENCE_TO_CHECK = {
    "sentence_index": 3,
    "sentence": "Shop owners by the bridge fear that the works could close it for a month.",
    "speaker": "",
    "reason": "looks ahead, but the assistant found no named speaker",
    "code": "no_speaker",
}
ARTICLE = {"title": "Harbour Notes", "published_on": "2026-03-02", "url": "", "characters": 343}


# --- Helpers ------------------------------------------------------------------------------


def response(name: str, value: object, summary: str = "", code: str = "200") -> OpenApiExample:
    return OpenApiExample(
        name, value=value, summary=summary or name, response_only=True, status_codes=[code]
    )


def request(name: str, value: object, summary: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, summary=summary or name, request_only=True)


def error(code: str, name: str, detail: str, errors: dict | None = None) -> OpenApiExample:
    body: dict = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return response(name, body, code=code)


NOT_LOGGED_IN = error("401", "Not logged in", NOT_AUTHENTICATED)
NOT_AN_EDITOR = error("403", "Not an editor", str(EditorOrReadOnly.message))
NOT_A_CORRECTOR = error("403", "Not an editor", str(CanCorrectPredictions.message))
NOT_A_REVIEWER = error("403", "Not a reviewer", str(IsReviewer.message))
BAD_FILTER = error(
    "400",
    "Unknown filter value",
    "topic: Select a valid choice. That choice is not one of the available choices.",
    {"topic": ["Select a valid choice. That choice is not one of the available choices."]},
)
WRITE_ERRORS = [NOT_LOGGED_IN, NOT_AN_EDITOR]
KEY_REUSED = error(
    "422",
    "Idempotency-Key reused",
    "This Idempotency-Key was used for another request (POST /api/predictions/ with a "
    "different body); use a new key for a new request.",
)
