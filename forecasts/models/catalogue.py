"""Experts, sources and topics (who predicted, where, about what) and their details' history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Expert(models.Model):
    name = models.CharField(max_length=200)
    # Names that differ only in case or punctuation are different people: the slug gets a suffix.
    slug = models.SlugField(max_length=220, unique=True)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True, help_text="A list of URLs.")
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other spellings of the name: transliterations, other scripts, maiden names.",
    )
    # naming.name_keys(name, aliases), kept by the services: what ?search= matches, so
    # "Ana-Li", "Aná Li" and "Ана Ли" find one person (a trigram index serves it on PostgreSQL).
    search_names = models.TextField(blank=True, default="", editable=False)
    # Set once, by merge_experts: this row is kept (its history, its slug's redirect) but its
    # predictions now belong to the expert it was merged into.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="expert_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        BROADCAST = "broadcast", "Broadcast"
        POST = "post", "Post"
        REPORT = "report", "Report"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True, help_text="Where it was published.")
    via = models.CharField(
        max_length=200,
        blank=True,
        help_text="The outlet or broadcast this source cites, when it reports someone else's.",
    )
    url = models.URLField(max_length=1000, blank=True)
    # naming.source_url_key(url): what a URL is matched by ("https://Example.org/a#x" is
    # "https://example.org/a"). New sources store their URL in this form; older ones keep
    # theirs as recorded (each change of a source's details is a revision) and match by this.
    url_key = models.TextField(blank=True, default="", db_default="", editable=False)
    published_on = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="The article text, kept for the record.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["url_key"], name="source_url_key")]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="source_url_unique_when_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.title}" if self.outlet else self.title


class DetailsRevision(models.Model):
    """One version of an expert's or a source's details, with who changed them and why.

    Predictions point to experts and sources, so renaming a pundit or re-dating an article
    changes how old predictions read: every change is kept. Version 1 is the details as first
    recorded (written at the first change, since bulk loaders create rows without one); each
    later version holds the details after one change. A source's text is kept as its SHA-256.
    """

    # Indexed by the unique constraints below, which lead with them.
    expert = models.ForeignKey(
        Expert,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        db_index=False,
    )
    version = models.PositiveIntegerField()
    details = models.JSONField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expert__isnull=False, source__isnull=True)
                | Q(expert__isnull=True, source__isnull=False),
                name="details_revision_of_one_row",
            ),
            models.UniqueConstraint(
                fields=["expert", "version"],
                condition=Q(expert__isnull=False),
                name="expert_revision_once",
            ),
            models.UniqueConstraint(
                fields=["source", "version"],
                condition=Q(source__isnull=False),
                name="source_revision_once",
            ),
        ]

    def __str__(self) -> str:
        owner = f"expert {self.expert_id}" if self.expert_id else f"source {self.source_id}"
        return f"{owner} v{self.version}"


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExpertMerge(models.Model):
    """Two records of one person made one: `merged`'s predictions were re-attributed (by new
    versions) to `into`. Chained in the ledger; the merged expert's row and slug stay."""

    merged = models.OneToOneField(Expert, on_delete=models.PROTECT, related_name="merge")
    into = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="merges_into")
    reason = models.TextField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    # The ids of the new versions that moved the predictions, in order.
    prediction_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["merged_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="expert_merge_has_reason"),
        ]

    def __str__(self) -> str:
        return f"expert {self.merged_id} into {self.into_id}"
