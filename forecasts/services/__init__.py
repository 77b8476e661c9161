"""Every write goes through a service. Views, the API, the admin, tasks and commands call these."""

from forecasts.services.details import edit_expert, edit_source
from forecasts.services.records import (
    correct_prediction,
    create_expert,
    create_question,
    get_or_create_source,
    get_or_create_topic,
    parse_probability_input,
    prediction_history,
    record_prediction,
    unique_slug,
    update_question,
)

__all__ = [
    "correct_prediction",
    "create_expert",
    "create_question",
    "edit_expert",
    "edit_source",
    "get_or_create_source",
    "get_or_create_topic",
    "parse_probability_input",
    "prediction_history",
    "record_prediction",
    "unique_slug",
    "update_question",
]
