"""`field__any=[...]`: membership in a list, sent to PostgreSQL as one array parameter.

`field__in` with thousands of values builds and sends a placeholder per value; the sweep's
batches of 5,000 questions spent more time composing and converting those statements than the
database spent running them (docs/benchmarks.md, row d). `= ANY(%s)` is one parameter whatever
the length. Other databases get the ordinary IN list.
"""

from collections.abc import Iterable

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


def int_array(values: Iterable[int]) -> str:
    """A PostgreSQL array literal of integers, for a `%s::bigint[]` parameter.

    psycopg adapts a Python list by inspecting every item for its type, which for arrays of
    thousands of ids costs more than the statement; a literal is one string."""
    return "{" + ",".join(str(int(v)) for v in values) + "}"


def _all_ints(values: Iterable) -> bool:
    return all(type(v) is int for v in values)


class AnyOf(In):
    lookup_name = "any"

    def get_prep_lookup(self):
        # Ids need no preparing; anything else is prepared item by item as `__in` does.
        if self.rhs_is_direct_value() and _all_ints(self.rhs):
            return list(self.rhs)
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if _all_ints(self.rhs):
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, int_array(self.rhs))
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


# Related fields only see lookups registered on ForeignObject, not those on Field.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
