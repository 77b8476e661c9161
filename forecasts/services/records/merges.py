"""Two records of one person made one: merge_experts.

"Ana Li" and "Ana-Li" logged as two experts split one track record in two. Merging moves the
merged expert's current predictions to the surviving expert as new versions (who, why: the
merge's reason), so every earlier version stays in the history; the merged expert's row is
kept with `merged_into` set (its page and API URL redirect, 301), its name and aliases become
the survivor's aliases, the merge is chained in the ledger, and both records are recomputed.

A merge changes whose record a forecast is on, not the forecast: it is not a late correction
(the version keeps its flags and recorded_at). Because it moves published, possibly scored
forecasts between records, only admins merge, and each merge needs a reason.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from forecasts.models import Expert, ExpertMerge, LedgerEntry, Prediction, Question
from forecasts.naming import clean_aliases
from forecasts.services.ledger import chain as ledger
from forecasts.services.records.details import edit_expert
from forecasts.services.records.predictions import after_prediction_change, publish_version
from forecasts.services.track_records.scores import mark_stale


@transaction.atomic
def merge_experts(
    *, merged: Expert, into: Expert, reason: str, merged_by: AbstractBaseUser | None
) -> ExpertMerge:
    if merged_by is None or not getattr(merged_by, "is_superuser", False):
        raise PermissionDenied("Only an admin can merge experts: it moves published forecasts.")
    if not reason.strip():
        raise ValidationError({"reason": "A merge needs a reason; it is kept in the ledger."})
    if merged.pk == into.pk:
        raise ValidationError("Choose two different experts to merge.")
    # Both rows locked, in id order: two merges of the same pair queue up, the second refused.
    locked = Expert.objects.select_for_update().in_bulk([merged.pk, into.pk])
    merged, into = locked[merged.pk], locked[into.pk]
    for expert in (merged, into):
        if expert.merged_into_id is not None:
            raise ValidationError(f"{expert.name} was already merged into another expert.")
    now = timezone.now()
    moved = _move_predictions(merged, into, reason=reason, by=merged_by, now=now)
    Expert.objects.filter(pk=merged.pk).update(merged_into=into)
    aliases = clean_aliases([*into.aliases, merged.name, *merged.aliases], name=into.name)
    if aliases != into.aliases:
        edit_expert(into, changed_by=merged_by, reason=f"Merged {merged.name}: {reason}",
                    aliases=aliases)  # fmt: skip
    merge = ExpertMerge.objects.create(
        merged=merged,
        into=into,
        reason=reason.strip(),
        merged_by=merged_by,
        merged_at=now,
        prediction_ids=[p.pk for p in moved],
    )
    ledger.append(LedgerEntry.Kind.EXPERT_MERGE, [merge])
    for question in Question.objects.filter(pk__in={p.question_id for p in moved}):
        after_prediction_change(question)
    mark_stale([merged.pk, into.pk])
    return merge


def _move_predictions(merged: Expert, into: Expert, **change) -> list[Prediction]:
    current = Prediction.objects.current().filter(expert=merged).order_by("id")
    moved = []
    for prediction in current:
        values = {field: getattr(prediction, field) for field in Prediction.SUBSTANCE_FIELDS}
        words = ("basis", "phrase", "table_version")
        values |= {field: getattr(prediction, field) for field in words}
        values["expert"] = into
        reason = f"Merged expert {merged.name} into {into.name}: {change['reason'].strip()}"
        moved.append(
            publish_version(prediction, values, reason=reason, by=change["by"], now=change["now"])
        )
    return moved
