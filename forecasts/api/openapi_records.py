"""What the OpenAPI document says of the record's operations: questions (and their
resolution), predictions (and corrections) and verdicts. See openapi.py for the rest."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from forecasts.api import examples as ex
from forecasts.api import inputs
from forecasts.api import serializers as s

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

QUESTION_NEW = {
    "title": ex.QUESTION_TITLE,
    "resolution_criteria": ex.CRITERIA,
    "deadline": "2027-12-31",
    "topics": ["transport"],
    "consensus_probability": 0.35,
    "consensus_source": "Harbour Futures market, 1 March 2026",
}
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


QUESTIONS = {
    "list": extend_schema(
        description="Questions by deadline, 50 a page, each with its count of current "
        "predictions. Open to everyone. Filter by `status` (repeatable), `outcome`, `topic`, "
        "`expert` or `deadline_after`/`deadline_before`; `?search=` matches title and criteria. "
        "`?similar_to=TEXT` instead lists the open questions most like TEXT, most similar first "
        "(each with its `similarity`; `near_deadline` and `topic` rank closer ones higher, "
        "`limit` up to 20). A 400 means a filter value is not valid.",
        parameters=[
            OpenApiParameter(
                "similar_to",
                OpenApiTypes.STR,
                description="A question title: lists the open questions most like it.",
            ),
            OpenApiParameter("near_deadline", OpenApiTypes.DATE),
            OpenApiParameter("limit", OpenApiTypes.INT),
        ],
        examples=[ex.response("An open question", ex.QUESTION), ex.BAD_FILTER],
    ),
    "retrieve": extend_schema(
        responses=s.QuestionDetailSerializer,
        description="A question with its current predictions (and their scores once it "
        "resolved), every verdict and every revision of its terms. Open to everyone; a 404 "
        "means no question has this id.",
        examples=[
            ex.response("Open", ex.QUESTION_DETAIL),
            ex.response("Resolved YES", ex.RESOLVED_QUESTION),
        ],
    ),
    "create": extend_schema(
        request=inputs.QuestionCreateSerializer,
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
    "update": extend_schema(
        request=inputs.QuestionUpdateSerializer,
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
    "partial_update": extend_schema(
        request=inputs.QuestionUpdateSerializer,
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
}

RESOLVE = extend_schema(
    request=inputs.ResolveSerializer,
    responses={201: s.QuestionDetailSerializer},
    description="A reviewer's verdict (admins: a re-resolution with `reason`). The question "
    "resolves when enough reviewers agree; answers with the question's new state. "
    "Reviewers only, on questions assigned to them (admins on any), and only from someone "
    "who recorded, corrected and revised nothing on the question: anyone else gets a 403 "
    "that says why. A due question that nobody eligible holds is taken first with "
    "POST /api/questions/{id}/take/. A 400 means a bad outcome or no evidence URL "
    "for yes/no; a 409 that the question is not due yet, is already settled, or that you "
    "already gave a verdict in this round. An admin re-resolving a settled question as the "
    "outcome it has gets a 409 (nothing changes; no round is opened), unless the verdict "
    "brings an `evidence_url` not on record for that outcome: it is kept as a round of its "
    "own, and the resolution (outcome, time, scores) stands.",
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
            "403",
            "Not independent",
            "You recorded a prediction on this question (prediction 41, 2027-06-02); verdicts "
            "must come from someone who recorded, corrected and revised nothing on it.",
        ),
        ex.error(
            "403",
            "Not assigned",
            "This question is assigned to other reviewers; verdicts come from the reviewers "
            "it is assigned to.",
        ),
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

PREDICTIONS = {
    "list": extend_schema(
        description="Current predictions, 50 a page; versions replaced by a correction are "
        "hidden unless `include_superseded=true`. Open to everyone. Filter by `expert`, "
        "`question`, `source`, `topic`, `status`, `basis`, `made_on_*` or `deadline_*`; "
        "`?search=` matches quote, phrase, question title and expert name. A 400 means a filter "
        "value is not valid.",
        examples=[ex.response("A prediction", ex.PREDICTION), ex.BAD_FILTER],
    ),
    "retrieve": extend_schema(
        responses=s.PredictionDetailSerializer,
        description="One prediction with every version of it, oldest first. Open to everyone; "
        "a 404 means no prediction has this id.",
        examples=[
            ex.response("As published", ex.PREDICTION_DETAIL),
            ex.response("Corrected", ex.CORRECTED_PREDICTION),
        ],
    ),
    "create": extend_schema(
        request=inputs.PredictionCreateSerializer,
        responses={201: s.PredictionDetailSerializer, 409: s.ErrorSerializer},
        description="Records a prediction: an expert (slug), a question (`question` id, or "
        "`new_question` to create it too), the probability of YES as a number (0.7), a "
        'percentage ("70%") or the words used ("is confident that"), the date it was made, and '
        "its source (`source` id or `source_url`). Editors only (403 otherwise); a 400 names the "
        "fields to fix, e.g. an unknown expert or words that map to no number. The same claim by "
        "the same expert from the same source again is a 409 whose `existing.url` (and Location "
        "header) is the prediction on record. With `new_question`, the answer lists the open "
        "`similar_questions` (look first with `GET /api/questions/?similar_to=`).",
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
            ex.KEY_REUSED,
        ],
    ),
}

TAKE = extend_schema(
    request=None,
    responses={200: s.AssignmentSerializer, 201: s.AssignmentSerializer},
    description="Takes a due question from the queue: assigns it to you, when fewer "
    "eligible reviewers hold it than its verdicts need (nobody eligible was found, or they "
    "became involved): 201. Reviewers only, and only if you recorded, corrected and revised "
    "nothing on it (else 403, saying why); a 409 means it is not due, or enough reviewers "
    "already hold it. Taking it again is harmless: 200 with the assignment you hold.",
    examples=[
        ex.response(
            "Taken",
            {"question": 12, "reviewer": "bob", "round": 1, "assigned_at": ex.NOW},
            code="201",
        ),
        ex.response(
            "Held already",
            {"question": 12, "reviewer": "bob", "round": 1, "assigned_at": ex.NOW},
            code="200",
        ),
        ex.NOT_LOGGED_IN,
        ex.NOT_A_REVIEWER,
        ex.error(
            "409",
            "Held",
            "Enough eligible reviewers already hold this question; it is not yours to take.",
        ),
    ],
)

CORRECTIONS = extend_schema(
    request=inputs.CorrectionSerializer,
    responses={201: s.PredictionDetailSerializer},
    description="Corrects a published prediction: a new version with the fields that "
    "change and a `reason`; the old version stays in the history. Editors only: anyone "
    "else gets a 403. After the question's deadline or resolution only an admin who "
    "recorded no version of it may correct it (else 403), and the version is marked "
    "`corrected_after_deadline`. A 400 names the fields to fix (a reason is required); a "
    "404 means no prediction has this id.",
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

REVIEWS = {
    "list": extend_schema(
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
    "retrieve": extend_schema(
        description="One verdict: the reviewer, the outcome, the evidence and the round. Open "
        "to everyone; a 404 means no verdict has this id.",
        examples=[ex.response("A verdict", ex.REVIEW)],
    ),
}
