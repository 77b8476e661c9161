"""Two verdicts submitted at the same moment end in one consistent state (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from forecasts.models import PredictionScore, Question, Review, TrackRecord
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.verdicts import VerdictConflict, submit_verdict
from forecasts.services.roles import ensure_roles
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import assign, past_question, predict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("groups"),
]


@pytest.fixture
def groups(transactional_db: None) -> None:
    ensure_roles()


def _race(question: Question, verdicts: list[tuple]) -> list[object]:
    """Submit every (user, outcome) from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(verdicts))
    results: list[object] = [None] * len(verdicts)

    def submit(i: int, user, outcome: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = submit_verdict(
                question=question,
                reviewer=user,
                outcome=outcome,
                evidence_url="https://example.org/evidence",
            )
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(i, user, outcome))
        for i, (user, outcome) in enumerate(verdicts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _due_with_prediction(settings_required: int, settings) -> Question:
    settings.REVIEWS_REQUIRED = settings_required
    question = past_question("Will the strait reopen to shipping?")
    predict(question, p=0.7)
    mark_due_questions()
    return question


def _track_records_match_a_rebuild() -> None:
    live = list(TrackRecord.objects.values_list("expert_id", "resolved_count", "brier"))
    recompute_track_records()
    rebuilt = list(TrackRecord.objects.values_list("expert_id", "resolved_count", "brier"))
    assert sorted(live) == sorted(rebuilt)


def test_one_required_first_wins_and_the_second_gets_a_conflict(settings, bob, dave):
    question = _due_with_prediction(1, settings)
    assign(question, bob, dave)  # both hold it (one taken before the sweep's pick, say)
    results = _race(question, [(bob, "yes"), (dave, "no")])
    reviews = [r for r in results if isinstance(r, Review)]
    conflicts = [r for r in results if isinstance(r, VerdictConflict)]
    assert (len(reviews), len(conflicts)) == (1, 1), results
    assert "already resolved as" in str(conflicts[0])
    question.refresh_from_db()
    assert (question.status, question.outcome) == ("resolved", reviews[0].outcome)
    assert Review.objects.count() == 1
    expected = 1 if question.outcome == "yes" else 0
    assert PredictionScore.objects.get(question=question).outcome == expected
    assert TrackRecord.objects.filter(prospective_only=False, topic=None).get().resolved_count == 1
    _track_records_match_a_rebuild()


def test_two_required_conflicting_verdicts_at_once_end_disputed(settings, bob, dave, carol):
    question = _due_with_prediction(2, settings)
    results = _race(question, [(bob, "yes"), (dave, "no")])
    assert all(isinstance(r, Review) for r in results), results
    question.refresh_from_db()
    assert (question.status, question.outcome) == ("disputed", "")
    assert not PredictionScore.objects.exists()
    assert question.reminders.filter(stage="dispute", recipient=carol).count() == 1
    _track_records_match_a_rebuild()


def test_two_required_agreeing_verdicts_at_once_resolve_once(settings, bob, dave):
    question = _due_with_prediction(2, settings)
    results = _race(question, [(bob, "no"), (dave, "no")])
    assert all(isinstance(r, Review) for r in results), results
    question.refresh_from_db()
    assert (question.status, question.outcome) == ("resolved", "no")
    assert PredictionScore.objects.filter(question=question).count() == 1
    _track_records_match_a_rebuild()
