"""Changing an expert's or a source's details: saved with a numbered revision (who, why).

Predictions are append-only (records.correct_prediction); the experts and sources they point
to are edited in place, because a pundit's affiliation does change, but never silently: each
change writes a DetailsRevision holding the details after it, and the first change also
writes version 1, the details as first recorded.
"""

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q

from forecasts.models import DetailsRevision, Expert, Source
from forecasts.naming import clean_aliases, name_keys, source_url_key
from forecasts.services.records import plausibility

EXPERT_FIELDS = ("name", "affiliation", "bio", "links", "aliases")
SOURCE_FIELDS = ("kind", "title", "outlet", "via", "url", "published_on", "text")


def expert_details(expert: Expert) -> dict[str, Any]:
    return {name: getattr(expert, name) for name in EXPERT_FIELDS}


def source_details(source: Source) -> dict[str, Any]:
    """JSON-ready: the date as ISO 8601, the (possibly long) text as its SHA-256."""
    details: dict[str, Any] = {
        name: getattr(source, name) for name in SOURCE_FIELDS if name != "text"
    }
    published = details["published_on"]
    details["published_on"] = published.isoformat() if isinstance(published, dt.date) else None
    details["text_sha256"] = hashlib.sha256(source.text.encode()).hexdigest() if source.text else ""
    return details


def edit_expert(
    expert: Expert, *, changed_by: AbstractBaseUser | None, reason: str = "", **changes: Any
) -> Expert:
    """Apply `changes` (name, affiliation, bio, links, aliases); the slug stays, it is a
    public URL."""
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
        plausibility.check_expert_name(changes["name"])
    if "aliases" in changes:
        changes["aliases"] = clean_aliases(
            changes["aliases"], name=changes.get("name", expert.name)
        )
    return _edit(expert, EXPERT_FIELDS, expert_details, changes, changed_by, reason)


def edit_source(
    source: Source, *, changed_by: AbstractBaseUser | None, reason: str = "", **changes: Any
) -> Source:
    """Apply `changes` (kind, title, outlet, via, url, published_on, text)."""
    if "title" in changes:
        plausibility.check_source_title(changes["title"])
    if "url" in changes and changes["url"] != source.url:  # a URL as recorded stays so
        changes["url"] = source_url_key(changes["url"] or "")
    if url := changes.get("url"):
        # Said under `url`, naming the source that has it: the unique index's own message
        # ("Constraint … is violated") named neither. Matched by key, as a new source is.
        same = Source.objects.filter(Q(url_key=url) | Q(url=url)).exclude(pk=source.pk)
        other = same.order_by("pk").first()
        if other is not None:
            raise ValidationError(
                {"url": f"Source {other.pk} (“{other.title}”) has this URL already: a URL is "
                 "one source. Record the predictions on that source instead."}
            )  # fmt: skip
    return _edit(source, SOURCE_FIELDS, source_details, changes, changed_by, reason)


def _edit(obj, fields, details, changes, changed_by, reason) -> Model:
    unknown = set(changes) - set(fields)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    owner = "expert" if isinstance(obj, Expert) else "source"
    with transaction.atomic():
        # The row lock orders two editors of the same row: versions never collide.
        row = type(obj).objects.select_for_update().get(pk=obj.pk)
        before = details(row)
        for name, value in changes.items():
            setattr(row, name, value)
        row.full_clean()
        after = details(row)
        if after == before:
            return row
        revisions = DetailsRevision.objects.filter(**{owner: row})
        last = revisions.order_by("-version").values_list("version", flat=True).first()
        if last is None:
            DetailsRevision.objects.create(
                **{owner: row}, version=1, details=before, changed_at=row.created_at
            )
            last = 1
        saved = [name for name in fields if name in changes]
        if owner == "expert":
            row.search_names = name_keys(row.name, row.aliases)
            saved.append("search_names")
        elif "url" in changes:
            row.url_key = source_url_key(row.url)
            saved.append("url_key")
        row.save(update_fields=saved)
        DetailsRevision.objects.create(
            **{owner: row},
            version=last + 1,
            details=after,
            reason=reason.strip(),
            changed_by=changed_by,
        )
    return row
