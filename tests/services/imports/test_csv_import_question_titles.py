"""import_predictions names a question as the API and the admin do: its title, case and
spacing aside, and its deadline. A case variant of a title on record (or of an earlier row's)
lands on that question instead of opening a twin."""

import datetime as dt

import pytest

from forecasts.models import Prediction, Question
from forecasts.services import create_question
from forecasts.services.records.questions import DuplicateQuestion
from tests.builders import CRITERIA, row, run_import, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Will the port reopen by 2027?"
DEADLINE = dt.date(2027, 6, 30)


def port_row(**values: str) -> dict[str, str]:
    return row(question=TITLE, deadline=DEADLINE.isoformat(), made_on="2026-01-10") | values


def test_a_case_variant_of_a_title_on_record_lands_on_that_question(tmp_path):
    on_record = create_question(title=TITLE, resolution_criteria=CRITERIA, deadline=DEADLINE)
    path = write_csv(tmp_path / "in.csv", [port_row(question="will the PORT reopen  by 2027?")])
    assert "1 created, 0 unchanged, 0 errors" in run_import(path)
    assert list(Question.objects.values_list("pk", "title")) == [(on_record.pk, TITLE)]
    assert Prediction.objects.get().question_id == on_record.pk
    assert "0 created, 1 unchanged, 0 errors" in run_import(path)
    assert Question.objects.count() == 1


def test_case_variants_within_one_file_share_one_question_titled_as_the_first_row(tmp_path):
    rows = [
        port_row(expert="Vera Ostrova"),
        port_row(expert="Ivo Example", question=TITLE.lower()),
        port_row(expert="Ana Li", question=TITLE.upper(), outcome="yes"),
    ]
    path = write_csv(tmp_path / "in.csv", rows)
    assert "3 created, 0 unchanged, 0 errors" in run_import(path)
    question = Question.objects.get()
    assert (question.title, question.outcome, question.predictions.count()) == (TITLE, "yes", 3)
    # The API's rule agrees: the variant is the question on record.
    with pytest.raises(DuplicateQuestion):
        create_question(title=TITLE.lower(), resolution_criteria=CRITERIA, deadline=DEADLINE)


def test_variants_across_batches_share_one_question(tmp_path):
    spellings = [TITLE, TITLE.lower()]
    rows = [port_row(expert=f"Expert {n}", question=spellings[n % 2]) for n in range(5)]
    path = write_csv(tmp_path / "in.csv", rows)
    assert "5 created" in run_import(path, "--batch-size", "2")
    assert Question.objects.get().predictions.count() == 5


def test_the_same_title_with_another_deadline_is_another_question(tmp_path):
    path = write_csv(
        tmp_path / "in.csv", [port_row(), port_row(question=TITLE.lower(), deadline="2027-07-31")]
    )
    run_import(path)
    assert sorted(Question.objects.values_list("title", "deadline")) == [
        (TITLE, DEADLINE),
        (TITLE.lower(), dt.date(2027, 7, 31)),
    ]


def test_a_title_beyond_ascii_is_found_by_its_own_spelling_on_every_database(tmp_path):
    # SQLite's LOWER() leaves "É" as it is: the exact spelling must still find the question.
    title = "Évian: will the spa reopen by 2027?"
    on_record = create_question(title=title, resolution_criteria=CRITERIA, deadline=DEADLINE)
    path = write_csv(tmp_path / "in.csv", [port_row(question=title)])
    run_import(path)
    run_import(path)
    assert list(Question.objects.values_list("pk", flat=True)) == [on_record.pk]
    assert Prediction.objects.get().question_id == on_record.pk
