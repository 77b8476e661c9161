"""Whole-service backup as JSON: everything needed to rebuild the record elsewhere.

Row ids are kept (users included), so the ledger's payloads, which name ids, verify after a
round trip. Datetimes keep their microseconds: Django's own JSON fixtures round them to
milliseconds, which would make every ledger entry look altered. Groups and permissions come
from migrations on the receiving side; memberships travel by group name.
"""

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from forecasts.services.ledger_verify import LedgerProblem, verify_ledger
from forecasts.services.track_records import suspend_sums_trigger


def backup_models() -> list[type[Model]]:
    """Users and tokens first, then the record in dependency order (the order models
    register in: see forecasts/models/__init__.py)."""
    return [
        apps.get_model("auth", "User"),
        apps.get_model("authtoken", "Token"),
        *apps.get_app_config("forecasts").get_models(),
    ]


def _encode(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()  # full precision, unlike DjangoJSONEncoder
    return str(value)


def _objects() -> Iterator[dict]:
    for model in backup_models():
        rows = model._default_manager.order_by("pk").iterator(chunk_size=2000)
        yield from serializers.serialize("python", rows, use_natural_foreign_keys=True)


def export_all(path: Path) -> int:
    """Stream every object to `path` as a JSON list; returns how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for obj in _objects():
            out.write(",\n" if count else "")
            out.write(json.dumps(obj, default=_encode, ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    return count


def record_is_empty() -> bool:
    """True when no domain row exists yet (groups from migrations do not count)."""
    return not any(m.objects.exists() for m in apps.get_app_config("forecasts").get_models())


class NotEmpty(Exception):
    pass


def import_all(path: Path) -> tuple[int, LedgerProblem | None]:
    """Load a backup into an empty database, then verify the ledger; returns verify's result."""
    if not record_is_empty():
        raise NotEmpty("The database already holds a record; import_all only fills an empty one.")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    with transaction.atomic():
        suspend_sums_trigger()  # the backup holds the sums of its scores already
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", data, handle_forward_references=True):
                obj.save()
        connection.check_constraints()
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), backup_models()):
                cursor.execute(statement)
    return verify_ledger()
