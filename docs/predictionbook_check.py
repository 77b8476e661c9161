"""Cross-check imported PredictionBook track records against numpy over the raw public.csv.

Usage (after the import described in docs/predictionbook.md, same DATABASE_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fl_pb \\
        .venv/bin/python docs/predictionbook_check.py /tmp/pb/public.csv gwern JoshuaZ Cato

Prints n and Brier for the named users, ours next to numpy's, then how many of all users agree.
numpy reads the CSV itself and knows nothing of the importer: per (user, question) it takes the
latest forecast (by timestamp) made on or before the close date, on questions resolved 1.0/0.0.
Like the importer it leaves out rows the record refuses as implausible (a close date outside
1900-2200, a user name without a letter); the rule is written out again here, not imported.
"""

import csv
import os
import sys
import unicodedata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _plausible(user: str, close_time: str) -> bool:
    has_letter = any(unicodedata.category(char).startswith("L") for char in user)
    return has_letter and "1900" <= close_time[:4] <= "2200"


def numpy_brier_by_user(public: Path) -> dict[str, tuple[int, float]]:
    with public.open(newline="", encoding="utf-8") as stream:
        rows = [
            r
            for r in csv.DictReader(stream)
            if r["outcome"] in ("0.0", "1.0") and _plausible(r["user_id"], r["close_time"])
        ]
    keep = np.array([r["timestamp"][:10] <= r["close_time"][:10] for r in rows])
    users = np.array([r["user_id"] for r in rows])[keep]
    questions = np.array([int(r["question_id"]) for r in rows])[keep]
    stamps = np.array([r["timestamp"] for r in rows])[keep]
    p = np.array([float(r["probability"]) for r in rows])[keep]
    o = np.array([float(r["outcome"]) for r in rows])[keep]
    order = np.lexsort((np.arange(len(p)), stamps, questions, users))
    users, questions, p, o = users[order], questions[order], p[order], o[order]
    last = np.ones(len(p), dtype=bool)
    last[:-1] = (users[1:] != users[:-1]) | (questions[1:] != questions[:-1])
    b = (p - o) ** 2
    names, starts, counts = np.unique(users[last], return_index=True, return_counts=True)
    sums = np.add.reduceat(b[last], starts)
    return {str(u): (int(n), float(s / n)) for u, n, s in zip(names, counts, sums, strict=True)}


def main(public: Path, users: list[str]) -> int:
    import django

    django.setup()
    from forecasts.models import TrackRecord

    expected = numpy_brier_by_user(public)
    ours = {
        name: (n, brier)
        for name, n, brier in TrackRecord.objects.filter(topic__isnull=True).values_list(
            "expert__name", "resolved_count", "brier"
        )
    }
    print(f"{'user':<12} {'n ours':>7} {'n numpy':>7} {'Brier ours':>12} {'Brier numpy':>12}")
    for user in users:
        n, brier = ours.get(user, (0, float("nan")))
        n_np, brier_np = expected.get(user, (0, float("nan")))
        print(f"{user:<12} {n:>7} {n_np:>7} {brier:>12.9f} {brier_np:>12.9f}")
    agree = [
        u
        for u, (n, b) in expected.items()
        if u in ours and ours[u][0] == n and abs(ours[u][1] - b) < 1e-9
    ]
    print(
        f"{len(agree)} of {len(expected)} users agree (n equal, |Δ Brier| < 1e-9); "
        f"{len(ours)} track records in the database."
    )
    return 0 if len(agree) == len(expected) == len(ours) else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2:] or ["gwern", "JoshuaZ", "Cato"]))
