"""A deterministic CSV in import_predictions' format, for the import benchmark."""

import csv
import datetime as dt
import random
from pathlib import Path

from forecasts.services.transfer.csv_io import COLUMNS

PHRASES = ("likely", "unlikely", "may", "almost certainly", "very unlikely", "probably not")


def write_import_csv(path: Path, rows: int, *, seed: int = 11, anchor: dt.date) -> None:
    """`rows` predictions: 5 per question, 2,000-ish experts, 70% of questions with an outcome."""
    rng = random.Random(seed)
    experts = max(1, rows // 50)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for i in range(rows):
            q = i // 5
            q_rng = random.Random(seed * 1_000_003 + q)  # same question fields on its 5 rows
            deadline = anchor + dt.timedelta(days=q_rng.randint(-900, 300))
            outcome = ""
            if deadline < anchor and q_rng.random() < 0.9:
                outcome = q_rng.choice(("yes", "no", "yes", "no", "annulled"))
            kind = rng.random()
            if kind < 0.4:
                probability = f"{rng.randint(1, 99)}%"
            elif kind < 0.7:
                probability = rng.choice(PHRASES)
            else:
                probability = f"{rng.randint(1, 99) / 100}"
            # Said before the deadline and not after today: the import refuses a forecast
            # dated in the future (services.records.plausibility).
            made_on = min(deadline, anchor) - dt.timedelta(days=rng.randint(1, 300))
            writer.writerow(
                [
                    f"Imported Expert {rng.randrange(experts)}",
                    f"Will imported claim {q} come true?",
                    deadline.isoformat(),
                    probability,
                    made_on.isoformat(),
                    outcome,
                    "YES if a primary source confirms it; NO otherwise.",
                    f"https://import.example.org/source/{q}",
                    f"Imported source {q}",
                    f"Imported topic {q % 25}",
                    f"Quote number {i}.",
                ]
            )
