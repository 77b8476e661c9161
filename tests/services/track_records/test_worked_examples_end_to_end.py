"""docs/scoring.md's worked examples through the whole service: CSV import -> recompute -> API.

tests/scoring/test_scoring.py checks the same vectors on forecasts.scoring alone; here they
must survive parsing, storage, the grouped SQL sums and the serializers.
"""

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from forecasts.models import Expert

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = [
    "expert", "question", "deadline", "probability", "made_on", "outcome",
    "resolution_criteria", "source_url", "source_title", "topic", "quote",
    "consensus_probability",
]  # fmt: skip
DEADLINE = dt.date(2025, 6, 30)


def _row(expert: str, n: int, p: str, outcome: str, consensus: str = "", question: str = ""):
    return {
        "expert": expert,
        "question": question or f"Will worked-example event {expert} {n} happen?",
        "deadline": DEADLINE.isoformat(),
        "probability": p,
        "made_on": "2025-01-15",
        "outcome": outcome,
        "resolution_criteria": "YES if it happens before the deadline; NO otherwise.",
        "source_url": "",
        "source_title": "Worked examples",
        "topic": "",
        "quote": "",
        "consensus_probability": consensus,
    }


def _import(tmp_path: Path, rows: list[dict]) -> None:
    path = tmp_path / "examples.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_predictions", str(path), "--quiet")
    call_command("recompute_track_records")


def _record(name: str) -> dict:
    slug = Expert.objects.get(name=name).slug
    response = APIClient().get(f"/api/experts/{slug}/")
    assert response.status_code == 200
    return response.json()["track_record"]


def _rows(expert: str, probabilities: list[str], outcomes: list[int]) -> list[dict]:
    pairs = zip(probabilities, outcomes, strict=True)
    return [_row(expert, i, p, "yes" if o else "no") for i, (p, o) in enumerate(pairs)]


def test_e1_numbers(tmp_path):
    ps, os = ["0.9", "0.8", "0.7", "0.6", "0.3"], [1, 1, 0, 1, 0]
    _import(tmp_path, _rows("E1", ps, os))
    record = _record("E1")
    assert record["resolved_count"] == 5
    assert record["brier"] == pytest.approx(0.158, abs=1e-9)
    assert record["log_score"] == pytest.approx(-0.479995, abs=1e-6)
    assert record["brier_skill"] == pytest.approx(0.368, abs=1e-9)
    assert record["base_rate_skill"] == pytest.approx(0.341667, abs=1e-6)
    assert [b["count"] for b in record["calibration"]] == [1] * 5
    assert [b["lower"] for b in record["calibration"]] == pytest.approx([0.2, 0.5, 0.6, 0.7, 0.8])
    murphy = record["murphy"]
    assert murphy["reliability"] == pytest.approx(0.158, abs=1e-6)
    assert murphy["resolution"] == pytest.approx(0.24, abs=1e-6)
    assert murphy["uncertainty"] == pytest.approx(0.24, abs=1e-6)


def test_e3_right_closed_bins(tmp_path):
    ps = ["0.1", "0.2", "0.25", "0.3", "0.35", "0.95", "1.0", "0.0"]
    os = [0, 0, 1, 0, 1, 1, 1, 0]
    _import(tmp_path, _rows("E3", ps, os))
    record = _record("E3")
    assert record["brier"] == pytest.approx(0.1409375, abs=1e-9)
    expected = [(0.0, 2, 0.05, 0), (0.1, 1, 0.2, 0), (0.2, 2, 0.275, 0.5), (0.3, 1, 0.35, 1),
                (0.9, 2, 0.975, 1)]  # fmt: skip
    bins = record["calibration"]
    assert len(bins) == len(expected)
    for got, (lower, count, mean_forecast, observed) in zip(bins, expected, strict=True):
        assert got["lower"] == pytest.approx(lower)
        assert got["count"] == count
        assert got["mean_forecast"] == pytest.approx(mean_forecast, abs=1e-9)
        assert got["observed_rate"] == pytest.approx(observed, abs=1e-9)


def test_e4_verbal_phrases(tmp_path):
    phrases = ["will", "will", "likely", "likely", "likely", "may", "unlikely", "almost certainly"]
    os = [1, 0, 1, 1, 0, 0, 0, 1]
    _import(tmp_path, _rows("E4", phrases, os))
    record = _record("E4")
    assert record["brier"] == pytest.approx(0.224375, abs=1e-9)
    assert record["log_score"] == pytest.approx(-0.724243, abs=1e-6)
    assert record["brier_skill"] == pytest.approx(0.1025, abs=1e-9)
    assert record["murphy"]["reliability"] == pytest.approx(0.057708, abs=1e-6)
    assert record["murphy"]["resolution"] == pytest.approx(0.083333, abs=1e-6)
    assert record["murphy"]["uncertainty"] == pytest.approx(0.25, abs=1e-9)


def test_e5_shrinkage_ranks_and_wilson_bounds(tmp_path):
    rows = [_row("A", 0, "0.9", "yes")]
    rows += [_row("B", i, "0.8", "yes" if i < 8 else "no") for i in range(10)]
    rows += [_row("C", i, "0.9", "yes" if i < 36 else "no") for i in range(40)]
    _import(tmp_path, rows)
    response = APIClient().get("/api/leaderboard/", {"min_resolved": 1})
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    by_name = {row["expert"]["name"]: row for row in rows}
    assert [by_name[n]["rank"] for n in "CBA"] == [1, 2, 3]
    scores = [by_name[n]["ranking_score"] for n in "ABC"]
    assert scores == pytest.approx([0.228182, 0.205, 0.122], abs=1e-6)
    assert [by_name[n]["brier"] for n in "ABC"] == pytest.approx([0.01, 0.16, 0.09], abs=1e-9)
    lows = [by_name[n]["hit_rate_low"] for n in "ABC"]
    assert lows == pytest.approx([0.206549, 0.490162, 0.769482], abs=1e-6)
    default = APIClient().get("/api/leaderboard/").json()
    default_rows = default["results"] if isinstance(default, dict) else default
    assert {r["expert"]["name"]: r["rank"] for r in default_rows}["A"] is None  # provisional


@pytest.mark.parametrize(
    ("outcome", "peers"),
    [("yes", [95.477125, 34.657359, -130.134484]), ("no", [-173.286795, 34.657359, 138.629436])],
)
def test_e6_peer_scores(tmp_path, outcome, peers):
    shared = "Will the shared worked-example event happen?"
    names = ["P1", "P2", "P3"]
    rows = [
        _row(name, 0, p, outcome, question=shared)
        for name, p in zip(names, ["0.9", "0.6", "0.2"], strict=True)
    ]
    _import(tmp_path, rows)
    assert [_record(n)["peer_mean"] for n in names] == pytest.approx(peers, abs=1e-6)


def test_e8_clipping(tmp_path):
    _import(tmp_path, [_row("Sure", 0, "1.0", "no"), _row("Never", 0, "0.0", "no")])
    sure, never = _record("Sure"), _record("Never")
    assert sure["brier"] == pytest.approx(1.0, abs=1e-9)
    assert -sure["log_score"] == pytest.approx(6.907755, abs=1e-6)
    assert -never["log_score"] == pytest.approx(0.001001, abs=1e-6)


def test_e9_yield_against_consensus(tmp_path):
    consensus, outcomes = ["0.26", "0.5", "0.8", "0.4"], ["yes", "no", "yes", "no"]
    rows = [
        _row("Bold", i, "0.7", o, consensus=c)
        for i, (c, o) in enumerate(zip(consensus, outcomes, strict=True))
    ]
    _import(tmp_path, rows)
    assert _record("Bold")["yield_score"] == pytest.approx(1.274038, abs=1e-6)


def test_e11_degenerate_records(tmp_path):
    rows = [_row("Always", i, "0.8", "yes") for i in range(3)]
    rows.append(_row("Waiting", 0, "0.8", ""))
    _import(tmp_path, rows)
    assert _record("Always")["base_rate_skill"] is None
    waiting = _record("Waiting")
    assert waiting["resolved_count"] == 0
    assert waiting["ranking_score"] == pytest.approx(0.25)
