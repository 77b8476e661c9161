"""Formatting of probabilities and scores for the public pages.

Every filter returns an em dash for a missing value, so templates need no `if` around figures,
and uses the typographic minus sign (U+2212) for negatives so columns of numbers read cleanly.
"""

from django import template

register = template.Library()

MISSING = "—"
MINUS = "\u2212"


def _number(value: float, decimals: int, *, signed: bool = False) -> str:
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text  # never "−0.000"
    if value < 0:
        return MINUS + text
    return "+" + text if signed else text


@register.filter
def percent(value: float | None, decimals: int | None = None) -> str:
    """A probability in [0, 1] as a percentage: 0.8 → "80%", 0.025 → "2.5%".

    Without `decimals`, whole percentages lose their decimals and others keep one.
    """
    if value is None or value == "":
        return MISSING
    scaled = float(value) * 100
    if decimals is None:
        decimals = 0 if abs(scaled - round(scaled)) < 0.05 else 1
    return _number(scaled, int(decimals)) + "%"


@register.filter
def decimals(value: float | None, places: int = 3) -> str:
    """A score with a fixed number of decimals: Brier 0.158 → "0.158"."""
    if value is None or value == "":
        return MISSING
    return _number(float(value), int(places))


@register.filter
def signed(value: float | None, places: int = 1) -> str:
    """A score that can be either side of zero, always with its sign: "+12.3", "−4.0"."""
    if value is None or value == "":
        return MISSING
    return _number(float(value), int(places), signed=True)


@register.filter
def signed_percent(value: float | None) -> str:
    """A skill score as a signed whole percentage: 0.368 → "+37%"."""
    if value is None or value == "":
        return MISSING
    return _number(float(value) * 100, 0, signed=True) + "%"


@register.filter
def negate(value: float | None) -> float | None:
    """Log score ℓ (≤ 0) to log loss −ℓ, the form the pages report."""
    return None if value is None or value == "" else -float(value)


@register.simple_tag
def percent_range(low: float | None, high: float | None) -> str:
    """An interval of probabilities: "58–83%"."""
    if low is None or high is None:
        return MISSING
    return f"{percent(low, 0)[:-1]}–{percent(high, 0)}"
