"""Idempotency keys: a create retried with the same key is answered, not done again.

The caller claims the key inside the transaction that does the create: the insert of the
(user, key) row is the claim. A concurrent retry blocks on the unique constraint until the
first commits, then finds its answer; if the first rolls back (the create was refused), the
key is free again and the retry runs the create itself. Keys older than
IDEMPOTENCY_KEY_HOURS are purged by forecasts.tasks.purge_idempotency_keys.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from forecasts.models import IdempotencyKey

MAX_KEY_LENGTH = 255


class KeyReused(Exception):
    """The key was used before for another request (another body, method or path)."""


@dataclass(frozen=True)
class Claim:
    """`key` is ours to answer (`replay` False), or the first answer to repeat (True)."""

    key: IdempotencyKey
    replay: bool


def request_hash(*, method: str, path: str, body: Any) -> str:
    """SHA-256 of the request as sent: method, path and the JSON body with sorted keys."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def claim_key(*, user: AbstractBaseUser, key: str, method: str, path: str, body: Any) -> Claim:
    """Claims `key` for this request; call inside the transaction that does the create.

    Raises KeyReused when the key was used for a different request."""
    digest = request_hash(method=method, path=path, body=body)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, method=method, path=path[:500], request_hash=digest
            )
        return Claim(key=row, replay=False)
    except IntegrityError:
        row = IdempotencyKey.objects.get(user=user, key=key)
    if row.request_hash != digest:
        raise KeyReused(
            f"This Idempotency-Key was used for another request ({row.method} {row.path} "
            "with a different body); use a new key for a new request."
        )
    return Claim(key=row, replay=True)


def record_answer(*, claim: Claim, status: int, body: Any, location: str = "") -> None:
    """Keeps the answer to repeat; in the create's transaction, so both commit or neither."""
    row = claim.key
    row.response_status, row.response_body, row.location = status, body, location[:500]
    row.save(update_fields=["response_status", "response_body", "location"])


def purge_idempotency_keys(*, now: dt.datetime | None = None) -> int:
    """Deletes keys older than IDEMPOTENCY_KEY_HOURS; returns how many. Safe to overlap."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
