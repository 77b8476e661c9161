"""The CSV import refuses a claim already on record from the same source (row and reason,
the good rows kept), and `--suggest` lists open questions like the ones a file would create."""

import datetime as dt

import pytest

from forecasts.models import Prediction, Question
from forecasts.services import create_expert, get_or_create_source, record_prediction
from tests.builders import make_question, row, run_import, write_csv

pytestmark = pytest.mark.django_db

URL = "https://gazette.example/toll"


@pytest.fixture
def on_record():
    question = make_question(
        "Will the Harbour Bridge toll be abolished?", deadline=dt.date(2025, 2, 1)
    )
    return record_prediction(
        expert=create_expert(name="Vera Ostrova"),
        question=question,
        probability=0.7,
        made_on=dt.date(2025, 1, 10),
        source=get_or_create_source(title="Gazette", url=URL),
        quote="The toll will go.",
    )


def test_a_repeated_claim_is_reported_and_the_good_rows_kept(on_record, tmp_path):
    path = write_csv(
        tmp_path / "f.csv",
        [
            row(source_url=URL, probability="0.4", quote="The toll will go."),  # same question
            row(question="Will the toll go?", source_url=URL, quote="the toll will go"),
            row(expert="Ida Moss", source_url=URL, quote="The toll will go."),
        ],
    )
    out = run_import(path)
    assert (
        f"row 2: Vera Ostrova already has this claim from this source on record "
        f"(prediction {on_record.pk})" in out
    )
    assert "row 3: Vera Ostrova already has this claim" in out
    assert "1 created" in out
    assert Prediction.objects.filter(expert__name="Ida Moss").count() == 1


def test_reimporting_the_recorded_row_is_unchanged_not_a_duplicate(on_record, tmp_path):
    path = write_csv(tmp_path / "f.csv", [row(source_url=URL, quote="The toll will go.")])
    out = run_import(path)
    assert "0 created, 1 unchanged, 0 errors" in out


def test_a_claim_repeated_within_one_file_is_refused_as_from_two_files(tmp_path):
    # The API, and a second file, refuse the second claim; one file used to record both.
    rows = [
        row(source_url=URL, probability="0.6", quote="The toll will go."),
        row(source_url=URL, probability="0.7", quote="The toll will go."),  # same question
        row(question="Will the toll go?", source_url=URL, quote="the toll will go!"),
        row(source_url=URL, probability="0.6", quote="The toll will go."),  # row 2 again
        row(expert="Ida Moss", source_url=URL, quote="The toll will go."),
    ]
    path = write_csv(tmp_path / "f.csv", rows)
    out = run_import(path)
    assert "row 3: Vera Ostrova has this claim from this source on row 2 already" in out
    assert "row 4: Vera Ostrova has this claim from this source on row 2 already" in out
    assert "3 created, 0 unchanged, 2 errors" in out
    vera = Prediction.objects.filter(expert__name="Vera Ostrova")
    assert sorted(vera.values_list("probability", flat=True)) == [0.6, 0.6]  # a repeated row

    again = run_import(path)  # the same refusals, and nothing added
    assert "0 created, 3 unchanged, 2 errors" in again
    assert "row 3: Vera Ostrova already has this claim" in again
    assert Prediction.objects.count() == 3


def test_the_rule_between_rows_holds_across_batches_from_the_database(tmp_path):
    # One batch per row: what earlier batches recorded is read back from the database (the
    # run keeps no registry of every row, which cost 50 MB per 100,000 rows).
    rows = [
        row(source_url=URL, probability="0.6", quote="The toll will go."),
        row(source_url=URL, probability="0.7", quote="The toll will go."),  # same question
        row(source_url=URL, probability="0.6", quote="The toll will go."),  # row 2 again
        row(source_url=URL, probability="0.7", made_on="2025-01-11"),  # another day: kept
    ]
    path = write_csv(tmp_path / "f.csv", rows)
    out = run_import(path, "--batch-size", "1")
    first = Prediction.objects.order_by("id").first()
    assert (
        f"row 3: Vera Ostrova already has this claim from this source on record (prediction "
        f"{first.pk}, from an earlier row of this file, said the same day)" in out
    )
    assert "3 created, 0 unchanged, 1 errors" in out
    assert run_import(path, "--batch-size", "1").count("already has this claim") == 1
    assert Prediction.objects.count() == 3


def test_suggest_lists_open_questions_like_new_ones_and_imports_nothing(tmp_path):
    toll = make_question("Will the Harbour Bridge toll be abolished?", deadline=dt.date(2030, 1, 1))
    path = write_csv(
        tmp_path / "f.csv",
        [
            row(question="Will the Harbour Bridge toll be scrapped?", deadline="2030-01-01"),
            row(question="Will the chess olympiad move?", deadline="2030-01-01", expert="Ida"),
        ],
    )
    out = run_import(path, "--suggest")
    assert "row 2: new question “Will the Harbour Bridge toll be scrapped?” (2030-01-01)" in out
    assert f"#{toll.pk} “Will the Harbour Bridge toll be abolished?” (2030-01-01)" in out
    # The titles' likeness, on its 0-1 scale (the ranking score, with its bonuses, was shown
    # as "similarity 1.15").
    likeness = float(out.split("title likeness ")[1].split()[0])
    assert 0 < likeness < 1
    assert "chess" not in out
    assert "1 new questions look like open ones; nothing was imported" in out
    assert Question.objects.count() == 1
    assert not Prediction.objects.exists()
