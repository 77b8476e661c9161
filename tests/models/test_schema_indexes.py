"""Every foreign key is the leading column of some index, unless deliberately left without.

Single-column indexes that a composite index already leads with were dropped (each is written
for every row inserted); this keeps the lookups and cascades they served indexed if a
composite index changes later."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

# Looked up only through another index, or never (see the comments on these fields).
UNINDEXED = {
    ("reminderrecord", "recipient_id"),  # reminder_unsent (partial) serves the only lookup
    ("reminderrecord", "assignment_id"),
}


def _leading_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    # Expression indexes (the trigram ones) have no columns and serve no foreign key.
    return {
        c["columns"][0]
        for c in constraints.values()
        if (c["index"] or c["unique"]) and c["columns"]
    }


def test_every_foreign_key_leads_an_index():
    missing = []
    for model in apps.get_app_config("forecasts").get_models():
        leading = _leading_columns(model._meta.db_table)
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            key = (model._meta.model_name, field.column)
            if field.column not in leading and key not in UNINDEXED:
                missing.append(f"{model._meta.db_table}.{field.column}")
    assert missing == []
