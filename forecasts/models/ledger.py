"""The tamper-evident chain of published predictions and verdicts."""

from django.db import models
from django.utils import timezone


class LedgerEntry(models.Model):
    """One published fact in the tamper-evident hash chain: a prediction version, a verdict,
    a question's settlement (resolution, re-resolution or annulment) or a revision of a
    question's terms and context.

    hash = SHA-256(prev_hash + payload), payload being the canonical JSON of the row as
    published. Rewriting a row, deleting one or re-chaining shows up in verify_ledger.
    A resolution's object_id is the verdict that settled the question.
    """

    class Kind(models.TextChoices):
        PREDICTION = "prediction", "Prediction"
        REVIEW = "review", "Verdict"
        RESOLUTION = "resolution", "Resolution"
        QUESTION_REVISION = "question_revision", "Question revision"
        EXPERT_MERGE = "expert_merge", "Expert merge"

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    # Unique through ledger_hash_unique rather than unique=True, which on PostgreSQL also
    # builds a second (LIKE-pattern) index that no query uses and every append writes.
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="ledger_once_per_row"),
            models.UniqueConstraint(fields=["hash"], name="ledger_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.object_id} {self.hash[:12]}"


class LedgerHead(models.Model):
    """A single row locked by every append, so the chain never forks under concurrency."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"
