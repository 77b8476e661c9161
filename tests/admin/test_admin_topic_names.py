"""Topic names typed in the admin: commas between them, double quotes around a name with one."""

import pytest

from forecasts.admin.base import TopicNamesField


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("Energy,  transport , Energy", ["Energy", "transport"]),
        ('"Oil, gas and mining", Energy', ["Oil, gas and mining", "Energy"]),
        ("“Oil, gas”, Energy", ["Oil, gas", "Energy"]),
        (" , ,", []),
    ],
)
def test_names_are_split_at_commas_outside_double_quotes(typed: str, names: list[str]) -> None:
    assert TopicNamesField().to_python(typed) == names


def test_a_list_is_shown_back_as_it_would_be_typed() -> None:
    field = TopicNamesField()
    shown = field.prepare_value(["Oil, gas and mining", "Energy"])
    assert shown == '"Oil, gas and mining", Energy'
    assert field.to_python(shown) == ["Oil, gas and mining", "Energy"]
