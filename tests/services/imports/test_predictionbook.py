"""import_predictions --format predictionbook, checked against an independent numpy computation.

The test writes a small file shaped like PredictionBook's public.csv (tests never read
../shared); docs/predictionbook.md has the same check on the real dump.
"""

import csv
import datetime as dt
import io
import random
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from forecasts.models import Prediction, Question, TrackRecord

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = [
    "question_id",
    "user_id",
    "team_id",
    "probability",
    "answer_option",
    "timestamp",
    "outcome",
    "open_time",
    "close_time",
    "resolve_time",
    "time_open",
    "n_opts",
    "options",
    "q_status",
    "q_type",
]
USERS = ["gwern", "JoshuaZ", "Cato", "Matt", "matt"]
OUTCOMES = ["1.0", "0.0", "1.0", "0.0", "-1.0", ""]


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")


def write_predictionbook_files(folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """public.csv and questions.csv: repeats on one day, forecasts after the close, ambiguous and
    open questions, and two questions sharing a title and a close date."""
    rng = random.Random(seed)
    forecasts, questions = [], []
    for qid in range(1, 41):
        if qid != 6:  # question 6 shares question 5's title, opening and close
            opened = dt.datetime(2010, 1, 1) + dt.timedelta(days=rng.randrange(300))
            close = opened + dt.timedelta(days=rng.randrange(0, 40), hours=rng.randrange(24))
        outcome = rng.choice(OUTCOMES)
        title = "Same title" if qid in (5, 6) else f"Question {qid} will happen"
        questions.append([str(qid), title, close.isoformat()])
        hours = int((close - opened).total_seconds() // 3600) + 48  # a few come after the close
        moments = sorted(
            opened + dt.timedelta(hours=rng.randrange(hours)) for _ in range(rng.randrange(1, 9))
        )
        for moment in moments:
            forecasts.append(
                {
                    "question_id": str(qid),
                    "user_id": rng.choice(USERS),
                    "probability": str(rng.choice([0.0, 0.05, 0.3, 0.5, 0.71, 0.9, 1.0])),
                    "timestamp": _stamp(moment),
                    "outcome": outcome,
                    "close_time": _stamp(close),
                    "resolve_time": _stamp(close + dt.timedelta(days=3)) if outcome else "",
                    "q_type": "0.0",
                }
            )
    public, titles = folder / "public.csv", folder / "questions.csv"
    with public.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADER, restval="")
        writer.writeheader()
        writer.writerows(forecasts)
    with titles.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["question_id", "q_title", "close_time"])
        writer.writerows(questions)
    return public, titles


def numpy_brier_by_user(public: Path) -> dict[str, tuple[int, float]]:
    """Per user: n and mean Brier over each (user, question)'s latest forecast made on or before
    the close date, on questions resolved YES (1.0) or NO (0.0). Written from the raw file."""
    with public.open(newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r["outcome"] in ("0.0", "1.0")]
    made = np.array([r["timestamp"][:10] for r in rows])
    close = np.array([r["close_time"][:10] for r in rows])
    keep = made <= close
    users = np.array([r["user_id"] for r in rows])[keep]
    questions = np.array([int(r["question_id"]) for r in rows])[keep]
    stamps = np.array([r["timestamp"] for r in rows])[keep]
    p = np.array([float(r["probability"]) for r in rows])[keep]
    o = np.array([float(r["outcome"]) for r in rows])[keep]
    order = np.lexsort((np.arange(len(p)), stamps, questions, users))  # last key sorts first
    users, questions, p, o = users[order], questions[order], p[order], o[order]
    last = np.ones(len(p), dtype=bool)
    last[:-1] = (users[1:] != users[:-1]) | (questions[1:] != questions[:-1])
    figures = {}
    for user in np.unique(users[last]):
        mine = last & (users == user)
        figures[str(user)] = (int(mine.sum()), float(np.mean((p[mine] - o[mine]) ** 2)))
    return figures


def _import(public: Path, titles: Path) -> str:
    out = io.StringIO()
    call_command(
        "import_predictions",
        str(public),
        "--format",
        "predictionbook",
        "--questions",
        str(titles),
        "--quiet",
        "--batch-size",
        "37",  # several batches, so questions span them
        stdout=out,
    )
    return out.getvalue()


def test_predictionbook_brier_per_user_matches_numpy(tmp_path):
    public, titles = write_predictionbook_files(tmp_path)
    output = _import(public, titles)
    expected = numpy_brier_by_user(public)
    ours = {
        r.expert.name: (r.resolved_count, r.brier)
        for r in TrackRecord.objects.filter(
            prospective_only=False, topic__isnull=True
        ).select_related("expert")
    }
    assert set(ours) == set(expected)
    for user, (n, brier) in expected.items():
        assert ours[user][0] == n, user
        assert ours[user][1] == pytest.approx(brier, abs=1e-12), user
    assert "skipped" in output  # forecasts after the close date
    assert Question.objects.filter(title__startswith="Same title").count() == 2


def test_predictionbook_import_twice_changes_nothing(tmp_path):
    public, titles = write_predictionbook_files(tmp_path, seed=11)
    _import(public, titles)
    counts = (Prediction.objects.count(), Question.objects.count(), TrackRecord.objects.count())
    output = _import(public, titles)
    assert " 0 created" in output
    assert (Prediction.objects.count(), Question.objects.count(), TrackRecord.objects.count()) == (
        counts
    )
    # Unresolved questions whose deadline has passed are due at once (fall_due_now).
    assert set(Question.objects.values_list("status", flat=True)) <= {
        "open",
        "due",
        "resolved",
        "annulled",
    }


def test_predictionbook_forecasts_keep_the_platforms_time_and_say_so(tmp_path):
    """PredictionBook timestamped each forecast itself: that time, named as its provenance, is
    when it entered a public record (docs/scoring.md), so most of them are prospective here."""
    public, titles = write_predictionbook_files(tmp_path)
    _import(public, titles)
    with public.open(newline="") as stream:
        stamps = {r["timestamp"] for r in csv.DictReader(stream)}
    predictions = list(Prediction.objects.select_related("question"))
    assert {p.recorded_via for p in predictions} == {"predictionbook"}
    assert {_stamp(p.recorded_at.replace(tzinfo=None)) for p in predictions} <= stamps
    assert any(not p.hindsight for p in predictions)
    from forecasts.services.ledger.verify import verify_ledger

    assert verify_ledger()[1] is None


def test_an_import_of_our_format_is_recorded_at_the_import(tmp_path):
    before = dt.datetime.now(dt.UTC)
    path = tmp_path / "ours.csv"
    path.write_text(
        "expert,question,deadline,probability,made_on,outcome,resolution_criteria,source_url,"
        "source_title,topic,quote\n"
        "Ivo Example,Did the dam open?,2020-05-01,0.7,2020-01-01,yes,YES if it opened.,,,,\n"
    )
    call_command("import_predictions", str(path), "--quiet", stdout=io.StringIO())
    prediction = Prediction.objects.select_related("question").get()
    assert prediction.recorded_at >= before
    assert prediction.recorded_via == ""
    assert prediction.hindsight  # logged years after the deadline: never prospective
