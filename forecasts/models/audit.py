"""The public audit dump: which file is served, and what it was built from."""

from django.db import models
from django.utils import timezone


class AuditDump(models.Model):
    """One published audit dump (docs/audit.md). The newest row is served; its file is
    content-addressed in the default storage, so a failed or repeated build never touches it.

    `head_seq`/`head_hash` are the ledger head the dump was built at: the page shows them and
    a reader can save them to check a later dump against.
    """

    # When the build's snapshot was taken: of two overlapping builds the later snapshot is
    # served, whichever finished last.
    built_at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=300, help_text="Name in the default storage.")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    head_seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    build_seconds = models.FloatField()
    counts = models.JSONField(default=dict, help_text="Lines per record type.")

    class Meta:
        ordering = ["-built_at", "-id"]
        constraints = [
            # Two overlapping builds of the same data claim one row; the second does nothing.
            models.UniqueConstraint(fields=["sha256"], name="audit_dump_once_per_content"),
        ]

    def __str__(self) -> str:
        return f"audit dump {self.sha256[:12]} at head #{self.head_seq}"
