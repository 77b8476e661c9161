"""Load the seed data in seeds/data/*.json through the write services.

Idempotent: each object is looked up by its natural key before anything is written, so a second
run creates nothing and changes nothing. Keys: experts by exact name, sources by title and
outlet (or URL), topics by name, questions by title and deadline, predictions by expert,
question and made_on among current versions. Questions already settled are not resolved again.

File layout (one JSON object per file): `experts`, `sources` (with a file-local `key`),
`questions` (`key`, `topics` by name, optional `consensus_probability` and `resolution`) and
`predictions` (referring to experts by name and to sources and questions by key, with an
optional `correction`). Keys called `note` or ending in `_note` are documentation only.
"""

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from forecasts import services
from forecasts.models import Expert, Prediction, Question, Review, Source, Topic
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.track_records.records import update_track_records

DATA_DIR = Path(__file__).resolve().parent / "data"
# The real article first, then the invented demo data.
SEED_FILES = ("megrabyan.json", "fictional.json")
# Three inactive accounts, as a newsroom's would be three people: verdicts come from someone
# who recorded nothing on the question, and a correction after the deadline from an admin who
# did not record the prediction (services.reviews, services.records).
SEED_EDITOR = "seed-editor"
SEED_USERNAME = "seed-reviewer"
SEED_ADMIN = "seed-admin"

Row = Mapping[str, Any]


def read_seed_files(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    return [json.loads((data_dir / name).read_text(encoding="utf-8")) for name in SEED_FILES]


def _tallies() -> dict[str, int]:
    user_model = get_user_model()
    return {
        "users": user_model.objects.count(),
        "topics": Topic.objects.count(),
        "experts": Expert.objects.count(),
        "sources": Source.objects.count(),
        "questions": Question.objects.count(),
        "predictions": Prediction.objects.filter(supersedes__isnull=True).count(),
        "corrections": Prediction.objects.filter(supersedes__isnull=False).count(),
        "resolutions": Review.objects.count(),
    }


@transaction.atomic
def load_seeds(data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load every seed file; returns how many objects of each kind this run created."""
    before = _tallies()
    accounts = SeedAccounts(
        editor=get_or_create_seed_user(SEED_EDITOR),
        reviewer=get_or_create_seed_user(SEED_USERNAME),
        admin=get_or_create_seed_user(SEED_ADMIN, is_superuser=True),
    )
    expert_ids: set[int] = set()
    for data in read_seed_files(data_dir):
        expert_ids |= _load_file(data, accounts)
    after = _tallies()
    created = {name: after[name] - before[name] for name in before}
    if any(created.values()):
        # Scoring also enqueues this for a worker; doing it here fills the leaderboard on the
        # first run even before a worker starts. Skipped on a re-run, which changes nothing.
        update_track_records(expert_ids=expert_ids)
    return created


@dataclass(frozen=True)
class SeedAccounts:
    editor: AbstractBaseUser  # records questions and predictions
    reviewer: AbstractBaseUser  # resolves
    admin: AbstractBaseUser  # corrects


def get_or_create_seed_user(username: str, *, is_superuser: bool = False) -> AbstractBaseUser:
    """An account seed data is written by: inactive, no usable password."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_active": False, "is_superuser": is_superuser}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _load_file(data: Row, accounts: SeedAccounts) -> set[int]:
    """Load one seed file; returns the ids of its experts."""
    experts = {row["name"]: _expert(row) for row in data.get("experts", [])}
    sources = {row["key"]: _source(row) for row in data.get("sources", [])}
    questions = {row["key"]: _question(row, accounts.editor) for row in data.get("questions", [])}
    for row in data.get("predictions", []):
        _prediction(
            row,
            expert=_lookup(experts, row["expert"], "expert"),
            question=_lookup(questions, row["question"], "question"),
            source=_lookup(sources, row["source"], "source") if row.get("source") else None,
            accounts=accounts,
        )
    # Resolved last, so that scoring sees every prediction (including corrections).
    for row in data.get("questions", []):
        if "resolution" in row:
            _resolve(questions[row["key"]], row["resolution"], accounts.reviewer)
    return {expert.pk for expert in experts.values()}


def _lookup(objects: Mapping[str, Any], key: str, kind: str) -> Any:
    try:
        return objects[key]
    except KeyError:
        raise ValueError(f"Seed data refers to an unknown {kind} {key!r}.") from None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _expert(row: Row) -> Expert:
    name = " ".join(row["name"].split())
    existing = Expert.objects.filter(name=name).first()
    if existing:
        return existing
    return services.create_expert(
        name=name,
        affiliation=row.get("affiliation", ""),
        bio=row.get("bio", ""),
        links=row.get("links", ()),
        aliases=row.get("aliases", ()),
    )


def _source(row: Row) -> Source:
    return services.get_or_create_source(
        title=row["title"],
        url=row.get("url", ""),
        kind=row.get("kind", Source.Kind.ARTICLE),
        outlet=row.get("outlet", ""),
        via=row.get("via", ""),
        published_on=_date(row.get("published_on")),
    )


def _question(row: Row, seed_user: AbstractBaseUser) -> Question:
    title = " ".join(row["title"].split())
    deadline = _date(row["deadline"])
    existing = Question.objects.filter(title=title, deadline=deadline).first()
    if existing:
        return existing
    return services.create_question(
        title=title,
        resolution_criteria=row["resolution_criteria"],
        deadline=deadline,
        topics=[services.get_or_create_topic(name=name) for name in row.get("topics", [])],
        created_by=seed_user,
        consensus_probability=row.get("consensus_probability"),
        consensus_source=row.get("consensus_source", ""),
    )


def _prediction(
    row: Row,
    *,
    expert: Expert,
    question: Question,
    source: Source | None,
    accounts: SeedAccounts,
) -> Prediction:
    made_on = _date(row["made_on"])
    prediction = (
        Prediction.objects.current()
        .filter(expert=expert, question=question, made_on=made_on)
        .first()
    )
    if prediction is None:
        prediction = services.record_prediction(
            expert=expert,
            question=question,
            probability=row["probability"],
            phrase=row.get("phrase", ""),
            made_on=made_on,
            source=source,
            quote=row.get("quote", ""),
            recorded_by=accounts.editor,
        )
    correction = row.get("correction")
    # The first version carries version 1; once corrected, the current one is later.
    if correction and prediction.version == 1:
        prediction = services.correct_prediction(
            prediction=prediction,
            reason=correction["reason"],
            corrected_by=accounts.admin,
            **{k: v for k, v in correction.items() if k != "reason"},
        )
    return prediction


def _resolve(question: Question, resolution: Row, seed_user: AbstractBaseUser) -> None:
    question.refresh_from_db(fields=["status"])
    if question.is_settled:
        return
    resolve_question(
        question=question,
        outcome=resolution["outcome"],
        resolved_by=seed_user,
        evidence_url=resolution.get("evidence_url", ""),
        note=resolution.get("note", ""),
    )
