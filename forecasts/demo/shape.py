"""The shape of a synthetic ledger: the words its names and titles are made of, the
heavy-tailed weights that make a few experts prolific and a few questions popular, and the
draws of one question's fate and one expert's call.

No database: everything random comes from the generator's seeded random.Random, passed in,
so the same seed draws the same values in the same order.
"""

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate

from forecasts.models import Prediction, Question
from forecasts.verbal import TABLE_VERSION, VERBAL_TABLE

FIRST = [
    "Ana",
    "Boris",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Levan",
    "Mara",
    "Nino",
    "Omar",
    "Petra",
    "Quinn",
    "Rustam",
    "Sofia",
    "Tamar",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zara",
    "Aram",
    "Lena",
    "Davit",
    "Irina",
]
LAST = [
    "Abbasov",
    "Berger",
    "Costa",
    "Demir",
    "Eriksen",
    "Fischer",
    "Gelashvili",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kovacs",
    "Lopez",
    "Mammadov",
    "Novak",
    "Ostrova",
    "Petrosyan",
    "Quispe",
    "Rossi",
    "Sato",
    "Tsereteli",
    "Ulrich",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Aliyev",
    "Brandt",
    "Chkheidze",
    "Dumas",
]
REGIONS = [
    "South Caucasus",
    "Central Asia",
    "Baltic states",
    "Black Sea",
    "Eastern Mediterranean",
    "Sahel",
    "Andes",
    "Balkans",
    "Gulf states",
    "Horn of Africa",
    "Southeast Asia",
    "Nordic countries",
    "Iberia",
    "Great Lakes",
    "Levant",
]
THEMES = [
    "elections",
    "energy",
    "trade",
    "security",
    "inflation",
    "migration",
    "climate policy",
    "technology",
]
SUBJECTS = [
    "the central bank",
    "the ruling coalition",
    "the opposition",
    "the energy ministry",
    "the port authority",
    "parliament",
    "the constitutional court",
    "the national airline",
    "the football federation",
    "the regional governor",
    "the trade union federation",
    "the state railway",
]
EVENTS = [
    "cut its main rate",
    "call an early vote",
    "sign the pipeline deal",
    "lift the export ban",
    "open the new terminal",
    "pass the budget",
    "reach a ceasefire",
    "join the customs union",
    "devalue the currency",
    "hold a referendum",
    "announce a merger",
    "raise the minimum wage",
]
OUTLETS = "Harbour Times|Caucasus Ledger|Morning Wire|The Plain Dealer|Radio Meridian|Daily Axis"
OUTLETS = OUTLETS.split("|")


def cumulative(weights: list[float]) -> list[float]:
    return list(accumulate(weights))


def activity(n: int, rng: random.Random, exponent: float) -> list[float]:
    """Heavy-tailed weights (Zipf-like), shuffled so activity does not follow the id."""
    weights = [1.0 / (rank + 1) ** exponent for rank in range(n)]
    rng.shuffle(weights)
    return weights


def verbal_levels() -> list[tuple[float, str]]:
    """One phrase per probability level of the table (the first listed), lowest level first."""
    levels: dict[float, str] = {}
    for marker in VERBAL_TABLE.markers.values():
        if marker.basis == Prediction.Basis.VERBAL:
            levels.setdefault(marker.probability, marker.phrase)
    return sorted(levels.items())


def pick(rng: random.Random, cumulative: list[float]) -> int:
    # Bisect on cumulative weights: random.choices without building a population list.
    return min(bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def question_state(
    rng: random.Random, deadline: dt.date, *, anchor: dt.date, overdue: bool
) -> tuple[str, str, dt.datetime | None]:
    """(status, outcome, resolved_at) for a question whose deadline is set; `overdue` keeps
    it open past its deadline."""
    if deadline >= anchor or overdue:
        return Question.Status.OPEN, "", None
    roll = rng.random()
    if roll < 0.08:
        return Question.Status.DUE, "", None
    resolved_on = min(anchor, deadline + dt.timedelta(days=rng.randint(1, 30)))
    resolved_at = dt.datetime.combine(resolved_on, dt.time(12), tzinfo=dt.UTC)
    if roll < 0.12:
        return Question.Status.ANNULLED, Question.Outcome.ANNULLED, resolved_at
    return Question.Status.RESOLVED, "", resolved_at  # outcome drawn from the truth


def question_order(rng: random.Random, questions: int, predictions: int) -> Iterator[int]:
    """Question indexes for the predictions: each question once while there are enough,
    then popular questions again (several experts each)."""
    weights = cumulative(activity(questions, rng, 0.8))
    covered = min(questions, predictions)
    yield from range(covered)
    for _ in range(predictions - covered):
        yield pick(rng, weights)


def draw_forecast(
    rng: random.Random, levels: list[tuple[float, str]], truth: float, sharpness: float
) -> tuple[float | None, str, str, str]:
    """(probability, basis, phrase, table_version) of one call on a question, at one of the
    verbal table's `levels` (verbal_levels) when the call is verbal."""
    signal = truth + rng.gauss(0, sharpness)
    p = min(0.99, max(0.01, signal))
    roll = rng.random()
    if roll < 0.02:
        return None, Prediction.Basis.UNKNOWN, "we must be prepared for", ""
    if roll < 0.55:
        level, phrase = min(levels, key=lambda lp: abs(lp[0] - p))
        return level, Prediction.Basis.VERBAL, phrase, TABLE_VERSION
    return round(p, 2), Prediction.Basis.STATED, f"{round(p * 100)}%", ""
