"""Time limits in a claim: dated in the title, a vague "soon" dropped when the date comes, and a
limit no date gives ("by the end of the tournament") left to the editor, flagged."""

import datetime as dt

import pytest

from forecasts.extraction.deadlines import suggest_deadline
from tests.extraction_support import PUBLISHED, forecasts  # published Wednesday 4 March 2026


def only(body: str):  # noqa: ANN201
    (found,) = forecasts(body)
    return found


@pytest.mark.parametrize(
    ("claim", "deadline"),
    [
        ("the river will flood later in the morning", dt.date(2026, 3, 5)),
        ("the river will flood later this evening", dt.date(2026, 3, 5)),
        ("the town would fall by the end of the day", dt.date(2026, 3, 5)),
        ("rents will fall early in the new year", dt.date(2027, 3, 31)),
        ("the weather will stay hot over the next few days", dt.date(2026, 4, 3)),
    ],
)
def test_the_deadline_of_a_same_day_or_early_new_year_limit(claim: str, deadline: dt.date) -> None:
    assert suggest_deadline(claim, PUBLISHED, 365)[0] == deadline


def test_a_same_day_limit_is_written_as_the_day_in_the_title() -> None:
    found = only("The Coastal Bureau said the river is likely to flood later in the morning.")
    assert found.question_title == "Will the river flood on 4 March 2026?"
    assert not found.needs_editing


def test_early_in_the_new_year_is_written_as_the_end_of_march() -> None:
    found = only("Economist Ada Brook expects rents to fall early in the new year.")
    assert found.question_title == "Will rents fall by the end of March 2027?"


def test_a_vague_soon_goes_when_the_default_date_is_added() -> None:
    found = only("Port engineer Ada Brook said the new crane will very probably arrive very soon.")
    assert found.question_title == "Will the new crane arrive by 4 March 2027?"
    found = only("Port engineer Ada Brook said the ferry will probably return imminently.")
    assert found.question_title == "Will the ferry return by 4 March 2027?"


def test_as_soon_as_is_kept() -> None:
    found = only(
        "Port engineer Ada Brook said the crews will probably stop work as soon as the wind turns."
    )
    assert "as soon as the wind turns" in found.question_title


def test_a_limit_no_date_gives_stays_alone_in_the_title_and_is_flagged() -> None:
    found = only("Coach Ada Brook said the striker will probably be fit by the end of the season.")
    assert found.question_title == "Will the striker be fit by the end of the season?"
    assert found.needs_editing
    assert (
        "its own time limit (“by the end of the season”) has no date: set the deadline to it"
        in found.editing_reasons
    )
    # the end of a year or a month is a date, not such a limit
    dated = only("Coach Ada Brook said the striker will probably be fit by the end of the year.")
    assert dated.question_title == "Will the striker be fit by the end of 2026?"
    assert not any("time limit" in r for r in dated.editing_reasons)
