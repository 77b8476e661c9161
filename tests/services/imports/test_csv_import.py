"""manage.py import_predictions: row errors, idempotent re-runs, outcomes, scores."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from forecasts.models import (
    Expert,
    LedgerEntry,
    Prediction,
    PredictionScore,
    Question,
    QuestionRevision,
    Review,
    Source,
    Topic,
    TrackRecord,
)
from forecasts.services import create_expert
from forecasts.services.imports.matching import allocate_slugs
from forecasts.services.imports.state import IMPORT_USERNAME
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.track_records.rebuild import recompute_track_records
from forecasts.services.transfer.csv_io import COLUMNS
from tests.builders import forecast, make_question, resolve, row, run_import, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def table_counts() -> dict[str, int]:
    models = [Expert, Source, Topic, Question, QuestionRevision, Prediction, Review, LedgerEntry]
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {"scores": PredictionScore.objects.count(), "records": TrackRecord.objects.count()}
    return counts


def test_good_rows_are_kept_and_bad_rows_are_reported_with_row_number_and_reason(tmp_path):
    path = write_csv(
        tmp_path / "mixed.csv",
        [
            row(),
            row(expert=""),
            row(probability="likley"),
            row(made_on="2025-03-01"),
            row(outcome="maybe"),
            row(deadline="01/02/2025"),
            row(probability="1.5"),
            row(expert="Ivo Example", probability="70%"),
        ],
    )
    output = run_import(path)
    assert "row 3: missing expert" in output
    assert "row 4: probability 'likley' unknown; near matches: 'likely'" in output
    assert "row 5: made_on 2025-03-01 is after deadline 2025-02-01" in output
    assert "row 6: outcome 'maybe' is not yes, no, annulled or empty" in output
    assert "row 7: deadline '01/02/2025' is not an ISO 8601 date (YYYY-MM-DD)" in output
    assert "row 8: probability '1.5'" in output
    assert "2 created, 0 unchanged, 6 errors" in output
    assert sorted(Prediction.objects.values_list("expert__name", "probability")) == [
        ("Ivo Example", 0.7),
        ("Vera Ostrova", 0.7),
    ]


def test_failed_rows_can_be_written_to_an_errors_file(tmp_path):
    path = write_csv(tmp_path / "in.csv", [row(), row(probability="likley")])
    run_import(path, "--errors", str(tmp_path / "errors.csv"))
    with (tmp_path / "errors.csv").open(newline="") as stream:
        failed = list(csv.DictReader(stream))
    assert [(r["row"], r["kind"], r["probability"]) for r in failed] == [("3", "error", "likley")]


def test_rerunning_the_same_file_changes_nothing(tmp_path):
    rows = [
        row(),
        row(expert="Ivo Example", probability="likely", topic="Harbour politics", outcome="yes"),
        row(expert="Ivo Example", question="Another", source_url="https://example.org/a"),
        row(expert="Ivo Example", question="Another", source_url="https://example.org/a"),
        row(expert="", question="Broken"),
    ]
    path = write_csv(tmp_path / "in.csv", rows)
    first = run_import(path)
    counts = table_counts()
    ids = sorted(Prediction.objects.values_list("id", flat=True))
    second = run_import(path)
    assert "4 created, 0 unchanged, 1 errors" in first
    assert "0 created, 4 unchanged, 1 errors" in second
    assert table_counts() == counts
    assert sorted(Prediction.objects.values_list("id", flat=True)) == ids
    # A question's revision, 4 predictions, a verdict and its resolution, chained once.
    assert verify_ledger() == (8, None)


def test_a_row_repeated_in_the_file_is_two_predictions_and_the_later_one_counts(tmp_path, carol):
    rows = [row(probability="0.7"), row(probability="0.8"), row(probability="0.7", outcome="no")]
    path = write_csv(tmp_path / "in.csv", rows)
    run_import(path)
    run_import(path)
    assert list(Prediction.objects.order_by("id").values_list("probability", flat=True)) == [
        0.7,
        0.8,
        0.7,
    ]
    assert PredictionScore.objects.get().brier == pytest.approx(0.49)


def test_phrases_and_percentages_are_stored_with_basis_and_table_version(tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            row(expert="A", probability="is confident that"),
            row(expert="B", probability="70%"),
            row(expert="C", probability="0.35"),
            row(expert="D", probability="will"),
            row(expert="E", probability="we must be prepared for"),
        ],
    )
    run_import(path)
    stored = {
        p.expert.name: (p.probability, p.basis, p.phrase, p.table_version)
        for p in Prediction.objects.select_related("expert")
    }
    assert stored == {
        "A": (0.8, "verbal", "is confident that", "v2"),
        "B": (0.7, "stated", "70%", ""),
        "C": (0.35, "stated", "", ""),
        "D": (0.95, "bare_assertion", "will", "v2"),
        "E": (None, "unknown", "we must be prepared for", "v2"),
    }


def test_rows_with_the_same_question_text_and_deadline_share_one_question(tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            row(expert="A", topic="Harbour politics; Bridges"),
            row(expert="B", question="  Will the Harbour   Bridge toll be abolished? "),
            row(expert="C", deadline="2025-06-01"),
        ],
    )
    run_import(path)
    questions = Question.objects.order_by("deadline")
    assert [(q.deadline.isoformat(), q.predictions.count()) for q in questions] == [
        ("2025-02-01", 2),
        ("2025-06-01", 1),
    ]
    assert sorted(t.name for t in questions[0].topics.all()) == ["Bridges", "Harbour politics"]
    assert questions[0].revisions.get().version == 1


def test_existing_experts_and_questions_are_reused_and_new_slugs_are_unique(tmp_path, expert):
    question = make_question("Existing question")
    create_expert(name="Ivo Example")
    path = write_csv(
        tmp_path / "in.csv",
        [
            row(question="Existing question", deadline="2025-01-01", made_on="2024-12-01"),
            row(expert="ivo example"),
            row(expert="Ivo  Example"),
        ],
    )
    run_import(path)
    assert Prediction.objects.filter(expert=expert, question=question).count() == 1
    # "ivo example" is Ivo Example written another way (one person, one page): matched by
    # the name's search key, as the API and extraction match names.
    assert sorted(Expert.objects.values_list("slug", flat=True)) == ["ivo-example", "vera-ostrova"]
    assert Expert.objects.get(slug="ivo-example").predictions.count() == 2
    assert allocate_slugs(Expert, ["Vera Ostrova", "Vera Ostrova"]) == [
        "vera-ostrova-2",
        "vera-ostrova-3",
    ]


def test_settled_questions_get_a_review_scores_and_track_records(tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            row(probability="0.9", outcome="yes", source_url="https://example.org/news"),
            row(question="Q2", probability="0.2", outcome="no"),
            row(question="Q3", probability="0.6", outcome="annulled"),
            row(question="Q4", probability="0.6"),
        ],
    )
    run_import(path)
    statuses = dict(Question.objects.values_list("title", "status"))
    # Q4 has no outcome and its deadline (2025) has passed: due at once (fall_due_now).
    assert sorted(statuses.values()) == ["annulled", "due", "resolved", "resolved"]
    reviews = {r.question.title: r for r in Review.objects.select_related("question", "reviewer")}
    assert {r.reviewer.username for r in reviews.values()} == {IMPORT_USERNAME}
    assert not User.objects.get(username=IMPORT_USERNAME).is_active
    assert reviews[row()["question"]].evidence_url == "https://example.org/news"
    assert reviews["Q2"].evidence_url == "https://forecast-ledger.invalid/csv-import/in.csv#row-3"
    assert PredictionScore.objects.count() == 2
    record = TrackRecord.objects.get(prospective_only=False, topic__isnull=True)
    assert record.resolved_count == 2
    assert record.brier == pytest.approx((0.01 + 0.04) / 2)


def test_spellings_aliases_and_merged_names_lead_to_one_expert(tmp_path, carol):
    from forecasts.services.records.merges import merge_experts

    ruben = create_expert(name="Ruben Megrabyan", aliases=["Mehrabyan, Ruben"])
    alma = create_expert(name="Alma Quist")
    ana = create_expert(name="Ana Li")
    ana_dash = create_expert(name="Ana-Lee")
    merge_experts(merged=ana_dash, into=ana, merged_by=carol, reason="One person.")
    names = ["RUBEN MEGRABYAN", "Рубен Меграбян", "Mehrabyan Ruben", "Ana-Lee", "alma quist",
             "ALMA QUIST", "Nia Brook", "NIA BROOK"]  # fmt: skip
    rows = [row(expert=name, question=f"Q{i}") for i, name in enumerate(names)]
    output = run_import(write_csv(tmp_path / "in.csv", rows), "--batch-size", "3")
    assert "8 created" in output
    assert ruben.predictions.count() == 3
    assert ana.predictions.count() == 1  # not the merged-away row of the same name
    assert not ana_dash.predictions.filter(superseded_at__isnull=True).exists()
    assert alma.predictions.count() == 2
    # Two new names are two experts, in any batch: an export of two experts that differ only
    # in case re-imports as it was (test_csv_export).
    nias = Expert.objects.filter(name__iexact="nia brook").values_list("name", flat=True)
    assert sorted(nias) == ["NIA BROOK", "Nia Brook"]


def test_a_verdict_dated_in_the_future_is_a_row_error_not_a_prospective_forecast(tmp_path):
    # A future resolved_on would settle the question "later" than the import records its
    # forecasts, so they would count as recorded before the outcome was known.
    today = timezone.localdate()
    later = (today + dt.timedelta(days=30)).isoformat()
    early = {"deadline": later, "made_on": "2025-01-10", "outcome": "yes"}
    rows = [
        row(question="Settled early, dated ahead", resolved_on=later, **early),
        row(question="Settled early, dated today", resolved_on=today.isoformat(), **early),
    ]
    path = write_csv(tmp_path / "in.csv", rows, columns=(*COLUMNS, "resolved_on"))
    output = run_import(path)
    assert f"row 2: resolved_on {later} is in the future (today is {today})" in output
    assert Question.objects.filter(title__endswith="dated ahead").count() == 0
    # Imported together with its outcome, the other forecast is on record as hindsight.
    (prediction,) = Prediction.objects.all()
    assert prediction.question.title.endswith("dated today")
    assert prediction.score.hindsight is True


def test_an_outcome_against_a_settled_question_is_a_row_error(tmp_path, carol, expert):
    question = resolve(make_question("Settled"), "yes", carol)
    path = write_csv(
        tmp_path / "in.csv",
        [
            row(question="Settled", deadline="2025-01-01", made_on="2024-12-01", outcome="no"),
            row(question="Settled", deadline="2025-01-01", made_on="2024-12-02", outcome="yes"),
            row(question="New", outcome="yes"),
            row(question="New", outcome="no", expert="B"),
        ],
    )
    output = run_import(path)
    assert "row 2: question 'Settled' is already settled as yes, the file says no" in output
    assert "row 5: outcome no conflicts with yes on row 4" in output
    question.refresh_from_db()
    assert question.outcome == "yes"
    assert question.reviews.count() == 1
    assert PredictionScore.objects.filter(question=question).count() == 1  # rescored with it


def test_a_missing_header_column_is_a_command_error(tmp_path):
    path = write_csv(tmp_path / "in.csv", [row()], columns=[c for c in COLUMNS if c != "quote"])
    with pytest.raises(CommandError, match="missing column: quote"):
        run_import(path)
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "nowhere.csv")


E1 = [(0.9, "yes"), (0.8, "yes"), (0.7, "no"), (0.6, "yes"), (0.3, "no")]


def test_worked_example_e1_through_import_and_recompute(tmp_path):
    rows = [
        row(expert="Ivo Example", question=f"E1 question {i}", probability=str(p), outcome=o)
        for i, (p, o) in enumerate(E1)
    ]
    run_import(write_csv(tmp_path / "e1.csv", rows))
    out = io.StringIO()
    call_command("recompute_track_records", stdout=out)
    # One expert: the record over all forecasts and the one over prospective ones.
    assert "Rebuilt 2 track records from 5 scores on 5 resolved questions" in out.getvalue()
    record = TrackRecord.objects.get(
        prospective_only=False, expert__name="Ivo Example", topic__isnull=True
    )
    assert record.resolved_count == 5
    assert record.brier == pytest.approx(0.158, abs=1e-9)
    assert -record.log_score == pytest.approx(0.479995, abs=1e-6)
    assert record.brier_skill == pytest.approx(0.368, abs=1e-9)
    assert record.base_rate_skill == pytest.approx(0.341667, abs=1e-6)
    assert record.murphy["reliability"] == pytest.approx(0.158, abs=1e-9)
    assert record.murphy["resolution"] == pytest.approx(0.24, abs=1e-9)


def _scores() -> list[tuple]:
    fields = ("prediction_id", "expert_id", "probability", "outcome", "brier", "log_score")
    more = ("baseline", "peer", "consensus_relative", "calibration_bin", "hit", "resolved_on")
    return sorted(PredictionScore.objects.values_list(*fields, *more))


def test_bulk_scores_match_the_scoring_service(tmp_path, carol):
    experts = ["A", "B", "C"]
    rows = [
        row(expert=e, question=f"Q{q}", probability=str(p), made_on=f"2025-01-{d:02d}", outcome=o)
        for q, o in enumerate(["yes", "no", "yes", ""])
        for e, p, d in zip(experts, [0.9, 0.35, 0.5], [3, 9, 27], strict=True)
    ]
    rows.append(row(expert="A", question="Q0", probability="0.1", made_on="2025-01-02"))
    run_import(write_csv(tmp_path / "in.csv", rows))
    question = make_question("Also settled by hand")
    forecast(Expert.objects.get(name="A"), question, 0.4)
    resolve(question, "no", carol)
    imported = _scores()
    fields = ("expert_id", "topic_id", "prospective_only", "brier", "peer_mean")

    def by_group(row: tuple) -> tuple:
        return row[:3]

    records = sorted(TrackRecord.objects.values_list(*fields), key=by_group)
    recompute_track_records()
    assert _scores() == imported
    assert records == sorted(TrackRecord.objects.values_list(*fields), key=by_group)
