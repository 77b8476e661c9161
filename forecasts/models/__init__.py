"""The domain: experts, sources, questions, predictions, verdicts and what derives from them.

Models hold structure and database constraints only. Every write goes through
forecasts/services/, which is where the rules (immutability, versioning, quorum) live. One
module per part: catalogue, questions, scores, reviews, ledger. Each imports the modules its
foreign keys point to, so models register (and backups write them) referenced ones first.
"""

from forecasts.models import lookups  # noqa: F401 - registers field__any
from forecasts.models.audit import AuditDump
from forecasts.models.catalogue import DetailsRevision, Expert, ExpertMerge, Source, Topic
from forecasts.models.idempotency import IdempotencyKey
from forecasts.models.ledger import LedgerEntry, LedgerHead
from forecasts.models.questions import (
    ExtractionDraft,
    Prediction,
    PredictionQuerySet,
    Question,
    QuestionRevision,
)
from forecasts.models.reviews import Profile, ReminderRecord, Review, ReviewAssignment
from forecasts.models.scores import PredictionScore, ScoreSums, StaleTrackRecord, TrackRecord

__all__ = [
    "AuditDump",
    "DetailsRevision",
    "Expert",
    "ExpertMerge",
    "ExtractionDraft",
    "IdempotencyKey",
    "LedgerEntry",
    "LedgerHead",
    "Prediction",
    "PredictionQuerySet",
    "PredictionScore",
    "Profile",
    "Question",
    "QuestionRevision",
    "ReminderRecord",
    "Review",
    "ReviewAssignment",
    "ScoreSums",
    "Source",
    "StaleTrackRecord",
    "Topic",
    "TrackRecord",
]
