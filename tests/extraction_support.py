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
