"""Every write goes through a service. Views, the API, the admin, tasks and commands call these."""

from forecasts.services.records.catalogue import (
    create_expert,
    find_source_by_url,
    get_or_create_expert,
    get_or_create_source,
    get_or_create_topic,
    get_or_create_topics,
    unique_slug,
)
from forecasts.services.records.details import edit_expert, edit_source
from forecasts.services.records.duplicates import DuplicatePrediction, find_duplicate
from forecasts.services.records.predictions import (
    correct_prediction,
    parse_probability_input,
    prediction_history,
    record_prediction,
)
from forecasts.services.records.questions import create_question, update_question
from forecasts.services.reviews.assignments import fall_due_now

__all__ = [
    "DuplicatePrediction",
    "find_duplicate",
    "correct_prediction",
    "create_expert",
    "create_question",
    "edit_expert",
    "edit_source",
    "fall_due_now",
    "find_source_by_url",
    "get_or_create_expert",
    "get_or_create_source",
    "get_or_create_topic",
    "get_or_create_topics",
    "parse_probability_input",
    "prediction_history",
    "record_prediction",
    "unique_slug",
    "update_question",
]
