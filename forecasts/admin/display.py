"""How the admin shows probabilities: "70%", "is confident that → 80%"."""

from forecasts.models import Prediction


def percent(probability: float | None) -> str:
    """0.8 → "80%", 0.725 → "72.5%"; None (words that map to no number) → "no number"."""
    if probability is None:
        return "no number"
    return f"{round(probability * 100, 1):g}%"


def probability_shown(prediction: Prediction) -> str:
    """The number with the words it came from, when it came from words."""
    if prediction.basis == Prediction.Basis.STATED or not prediction.phrase:
        return percent(prediction.probability)
    return f"{prediction.phrase} → {percent(prediction.probability)}"


def probability_as_typed(prediction: Prediction) -> str:
    """What an editor would type to get this prediction's probability again."""
    if prediction.phrase:
        return prediction.phrase
    return "" if prediction.probability is None else f"{prediction.probability:g}"
