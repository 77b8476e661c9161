"""The tests' builders, one module: people, questions, forecasts, due and resolved
questions, and a plain reference for the sweep's reviewer picks."""

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from forecasts.models import Expert, Question, ReviewAssignment
from forecasts.services import create_expert, create_question, record_prediction
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.transfer.csv_io import COLUMNS

DAY0 = dt.date(2025, 1, 1)


def make_question(title: str, *, deadline: dt.date = DAY0, topics=(), consensus=None) -> Question:
    return create_question(
        title=title,
        resolution_criteria="YES if it happens by the deadline, NO otherwise.",
        deadline=deadline,
        topics=topics,
        consensus_probability=consensus,
    )


def forecast(
    expert: Expert,
    question: Question,
    p: float | str,
    *,
    days_before: int = 10,
    made_on: dt.date | None = None,
):
    """A forecast made `days_before` the deadline, or on `made_on` (never in the future:
    services refuse that, so a question far ahead needs a `made_on`)."""
    return record_prediction(
        expert=expert,
        question=question,
        probability=p,
        made_on=made_on or question.deadline - dt.timedelta(days=days_before),
    )


def late_corrector():
    """An admin to correct predictions after their deadline: one who recorded none of them and
    judges nothing the tests' other admins judge (services.records: late corrections)."""
    from django.contrib.auth.models import User

    user, created = User.objects.get_or_create(
        username="corrections-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def resolve(question: Question, outcome: str, by, *, reason: str = "") -> Question:
    resolve_question(
        question=question,
        outcome=outcome,
        resolved_by=by,
        evidence_url="https://example.org/evidence",
        reason=reason,
    )
    question.refresh_from_db()
    return question


def random_history(
    seed: int, admin, *, experts: int = 5, questions: int = 18, decimals: int = 4
) -> None:
    """A reproducible messy history: topics shared or absent, consensus or not, several
    experts per question, five sixths settled (some annulled), a few re-resolved."""
    import random

    from forecasts.services import create_expert, get_or_create_topic

    rng = random.Random(seed)
    topics = [get_or_create_topic(name=f"Topic {i}") for i in range(3)]
    people = [create_expert(name=f"Expert {i}") for i in range(experts)]
    made = []
    for i in range(questions):
        question = make_question(
            f"Q{i}",
            topics=rng.sample(topics, rng.randint(0, 2)),
            consensus=rng.choice([None, round(rng.random(), 2)]),
        )
        for expert in rng.sample(people, rng.randint(1, 4)):
            p = round(rng.random(), decimals)
            forecast(expert, question, p, days_before=rng.randint(1, 30))
        made.append(question)
    for question in made[: questions * 5 // 6]:
        resolve(question, rng.choice(["yes", "no", "yes", "annulled"]), admin)
    for question in made[:4]:
        if question.status == "resolved" and question.outcome != "annulled":
            flipped = "no" if question.outcome == "yes" else "yes"
            resolve(question, flipped, admin, reason="Re-checked the evidence.")


def past_question(title: str, *, days_ago: int = 1) -> Question:
    return create_question(
        title=title,
        resolution_criteria="YES if it happened by the deadline; NO otherwise.",
        deadline=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def predict(question: Question, *, recorded_by=None, p: float = 0.7, expert=None):
    expert = expert or create_expert(name=f"Expert on {question.pk}")
    return record_prediction(
        expert=expert,
        question=question,
        probability=p,
        made_on=question.deadline - dt.timedelta(days=30),
        recorded_by=recorded_by,
    )


def due_question(title: str, *, now: dt.datetime | None = None, reviewers=()) -> Question:
    """A question that fell due `now`, assigned to `reviewers` (none: the sweep assigns)."""
    question = past_question(title)
    Question.objects.filter(pk=question.pk).update(
        status=Question.Status.DUE, due_at=now or timezone.now()
    )
    question.refresh_from_db()
    assign(question, *reviewers)
    return question


def assign(question: Question, *reviewers) -> None:
    """Assign the question's current round to these reviewers, as the sweep or a take does."""
    for reviewer in reviewers:
        ReviewAssignment.objects.get_or_create(
            question=question, reviewer=reviewer, round=question.review_round
        )


def pick_reviewers(
    *, candidates: dict[int, int], needed: int, involved: set[int], already: set[int]
) -> list[int]:
    """The reviewers the sweep's Balancer must pick, written the plain way: the `needed`
    least-loaded candidates not involved in the question nor already on it."""
    if needed <= 0:
        return []
    eligible = [pk for pk in candidates if pk not in involved and pk not in already]
    return sorted(eligible, key=lambda pk: (candidates[pk], pk))[:needed]


def make_user(username: str, group: str | None = None, **extra: object) -> User:
    """A user with an email and the password "pw-<username>", in `group` if given (the groups
    exist after every migrate and flush: services/roles.py)."""
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password="pw-" + username, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# --- CSV files and import runs -------------------------------------------------------------

CRITERIA = "YES if it happens by the deadline, NO otherwise."


def row(**values: str) -> dict[str, str]:
    base = {
        "expert": "Vera Ostrova",
        "question": "Will the Harbour Bridge toll be abolished?",
        "deadline": "2025-02-01",
        "probability": "0.7",
        "made_on": "2025-01-10",
        "outcome": "",
        "resolution_criteria": CRITERIA,
        "source_url": "",
        "source_title": "",
        "topic": "",
        "quote": "",
    }
    return base | values


def write_csv(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command(
        "import_predictions", str(path), "--quiet", *args, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


# --- the admin ---------------------------------------------------------------------------

ADD_PREDICTION = "admin:forecasts_prediction_add"


def record_data(expert: Expert, question: Question | None, made_on: dt.date, **extra: Any) -> dict:
    data = {
        "expert": expert.pk,
        "question": question.pk if question else "",
        "probability_input": "is confident that",
        "made_on": made_on.isoformat(),
        "source": "",
        "quote": "The toll will go, I am confident of it.",
    }
    return {**data, **extra}


def form_errors(response: Any) -> dict:
    return response.context["adminform"].form.errors


def run_at_once(work, copies: int = 2, *, timeout: float = 30) -> list:
    """Run work(i) in `copies` threads released together by a barrier; each slot holds what
    its call returned or raised. Each thread closes its own database connection."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(copies)
    results: list = [None] * copies

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # the caller inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
