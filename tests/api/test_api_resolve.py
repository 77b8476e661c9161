"""POST /api/questions/{id}/resolve/: reviewers' verdicts, admins' re-resolutions, conflicts."""

import pytest
from rest_framework.test import APIClient

from forecasts.models import LedgerEntry, PredictionScore, Question, Review, TrackRecord
from tests.builders import due_question, predict

pytestmark = pytest.mark.django_db(transaction=True)

EVIDENCE = "https://example.org/council-minutes"


def _resolve(client: APIClient, question: Question, **body):
    return client.post(f"/api/questions/{question.pk}/resolve/", body, format="json")


def test_a_reviewer_resolves_a_due_question_and_the_track_record_follows(api_as, bob):
    question = due_question("Will the toll go?", reviewers=[bob])
    prediction = predict(question, p=0.8)
    response = _resolve(api_as(bob), question, outcome="yes", evidence_url=EVIDENCE, note="Voted.")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["outcome"]) == ("resolved", "yes")
    assert [(r["outcome"], r["reviewer"], r["evidence_url"]) for r in body["reviews"]] == [
        ("yes", "bob", EVIDENCE)
    ]
    record = TrackRecord.objects.get(prospective_only=False, expert=prediction.expert, topic=None)
    assert record.brier == pytest.approx(0.04)
    detail = APIClient().get(f"/api/experts/{prediction.expert.slug}/").json()
    assert detail["track_record"]["resolved_count"] == 1


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_only_reviewers_and_admins_give_verdicts(api_as, who, alice):
    question = due_question("Will the toll go?")
    client = APIClient() if who == "anonymous" else api_as(alice)
    response = _resolve(client, question, outcome="yes", evidence_url=EVIDENCE)
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert response.json()["detail"]
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "maybe", "evidence_url": EVIDENCE}, "outcome"),
        ({"evidence_url": EVIDENCE}, "outcome"),
        ({"outcome": "yes"}, "evidence_url"),
        ({"outcome": "no", "evidence_url": "  "}, "evidence_url"),
        ({"outcome": "no", "evidence_url": "not a url"}, "evidence_url"),
    ],
)
def test_a_bad_verdict_is_a_400_naming_the_field(api_as, bob, body, field):
    question = due_question("Will the toll go?")
    response = _resolve(api_as(bob), question, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert field in response.json()["detail"]


def test_annulled_needs_no_evidence(api_as, bob):
    question = due_question("Will the toll go?", reviewers=[bob])
    response = _resolve(api_as(bob), question, outcome="annulled", note="The council dissolved.")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "annulled"


def test_a_verdict_on_a_settled_question_is_a_409_with_a_message(api_as, bob, dave):
    question = due_question("Will the toll go?", reviewers=[bob, dave])
    assert _resolve(api_as(bob), question, outcome="yes", evidence_url=EVIDENCE).status_code == 201
    late = _resolve(api_as(dave), question, outcome="no", evidence_url=EVIDENCE)
    assert late.status_code == 409
    assert "already resolved" in late.json()["detail"]


def test_a_question_not_due_yet_is_a_409(api_as, bob, question):
    response = _resolve(api_as(bob), question, outcome="yes", evidence_url=EVIDENCE)
    assert response.status_code == 409
    assert "not due" in response.json()["detail"]


def test_an_admin_re_resolves_with_a_reason(api_as, bob, carol):
    question = due_question("Will the toll go?", reviewers=[bob])
    _resolve(api_as(bob), question, outcome="yes", evidence_url=EVIDENCE)
    without = _resolve(api_as(carol), question, outcome="no", evidence_url=EVIDENCE)
    assert without.status_code == 400
    assert "reason" in without.json()["errors"]
    response = _resolve(
        api_as(carol), question, outcome="no", evidence_url=EVIDENCE, reason="Vote was overturned"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["outcome"] == "no"
    assert [r["round"] for r in response.json()["reviews"]] == [1, 2]


def test_re_resolving_as_the_outcome_it_has_is_a_409_and_opens_no_round(api_as, bob, carol):
    question = due_question("Will the toll go?", reviewers=[bob])
    _resolve(api_as(bob), question, outcome="yes", evidence_url=EVIDENCE)
    question.refresh_from_db()
    before = (question.review_round, question.resolved_at, LedgerEntry.objects.count())
    for reason in ("Confirming it.", ""):  # nothing to change comes before a missing reason
        again = _resolve(
            api_as(carol), question, outcome="yes", evidence_url=EVIDENCE, reason=reason
        )
        assert again.status_code == 409, again.json()
        assert again.json()["detail"] == (
            "This question is already resolved YES (round 1); a verdict of YES again changes "
            "nothing, so no new round is opened. To change the outcome, re-resolve it as NO or "
            "ANNULLED with a reason; to add evidence for YES, send an evidence_url not on "
            "record yet, with a reason."
        )
    question.refresh_from_db()
    assert (question.review_round, question.resolved_at, LedgerEntry.objects.count()) == before
    assert Review.objects.count() == 1


def test_an_annulled_question_annulled_again_is_a_409(api_as, bob, carol):
    question = due_question("Will the toll go?", reviewers=[bob])
    _resolve(api_as(bob), question, outcome="annulled")
    again = _resolve(api_as(carol), question, outcome="annulled", reason="Still void.")
    assert again.status_code == 409
    assert again.json()["detail"].startswith("This question is already annulled (round 1)")
    assert Review.objects.count() == 1


def test_an_admin_adds_evidence_for_the_outcome_and_the_resolution_stands(api_as, bob, carol):
    question = due_question("Will the toll go?", reviewers=[bob])
    predict(question, p=0.8)
    _resolve(api_as(bob), question, outcome="yes", evidence_url=EVIDENCE)
    question.refresh_from_db()
    resolved_at = question.resolved_at
    scored_on = list(PredictionScore.objects.values_list("id", "resolved_on"))
    archived = "https://web.archive.org/web/2027/https://example.org/council-minutes"
    without = _resolve(api_as(carol), question, outcome="yes", evidence_url=archived)
    assert without.status_code == 400
    assert "reason" in without.json()["errors"]
    response = _resolve(
        api_as(carol), question, outcome="yes", evidence_url=archived, reason="The link died."
    )
    assert response.status_code == 201, response.json()
    assert [(r["round"], r["evidence_url"]) for r in response.json()["reviews"]] == [
        (1, EVIDENCE),
        (2, archived),
    ]
    question.refresh_from_db()
    assert (question.outcome, question.review_round) == ("yes", 2)
    assert question.resolved_at == resolved_at
    assert list(PredictionScore.objects.values_list("id", "resolved_on")) == scored_on
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.RESOLUTION).count() == 1


def test_a_missing_question_is_a_json_404(api_as, bob):
    response = _resolve(api_as(bob), Question(pk=424242), outcome="yes", evidence_url=EVIDENCE)
    assert response.status_code == 404
    assert response.json()["detail"]
