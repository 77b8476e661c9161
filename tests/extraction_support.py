"""Shared parts of the extraction rule tests: a short fictional lead and publication date
before each sentence under test, so that a rule is checked inside an article, not alone."""

import datetime as dt

from forecasts.extraction.candidates import Candidate
from forecasts.extraction.service import extract_claims

LEAD = "Harbour Notes\nThe council met on Monday in the old town hall to discuss the budget.\n"
PUBLISHED = dt.date(2026, 3, 4)


def claims(body: str) -> list[Candidate]:
    """Every claim (forecasts and plans) the assistant finds in `body` after the lead."""
    return extract_claims(LEAD + body, published_on=PUBLISHED, horizon_days=365)


def forecasts(body: str) -> list[Candidate]:
    return [c for c in claims(body) if c.kind == "forecast"]


def posted(page, **rows: dict) -> dict:  # noqa: ANN001
    """The admin extraction page's formset as shown, with `rows` ({"0": {"selected": "on"}})
    changed: what the editor's browser would post back."""
    formset = page.context["formset"]
    data = {f"candidate-{k}": v for k, v in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name, "")
            if name != "selected":
                data[f"candidate-{index}-{name}"] = "" if value is None else value
        for name, value in rows.get(str(index), {}).items():
            data[f"candidate-{index}-{name}"] = value
    return data
