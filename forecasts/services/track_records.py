"""Scores per prediction and track records per expert. (Being written: placeholder API.)"""


def score_question(*, question_id: int) -> None:
    """Store the scores of a settled question's predictions; enqueue its experts' update."""
