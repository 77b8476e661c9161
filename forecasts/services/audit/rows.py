"""What the audit dump holds, line by line: one JSON object per line, `type` first.

Order (a reader can stream it): the manifest; the heads published in LEDGER_HEAD_FILE; the
ledger in chain order; experts, topics, sources, questions, question revisions, prediction
versions and verdicts; the track records and the leaderboards as the API publishes them; the
summary with the count of each type.

No user data: people who record, change or review appear only as `user-<id>`, the same
integer the chained payloads carry; no names, emails or tokens are read.
"""

import datetime as dt
import json
from collections.abc import Iterator

from django.conf import settings

from forecasts import scoring, verbal
from forecasts.models import (
    Expert,
    LedgerEntry,
    LedgerHead,
    Prediction,
    Question,
    QuestionRevision,
    Review,
    Source,
    Topic,
    TrackRecord,
)
from forecasts.selectors import BoardFilters
from forecasts.selectors.track_records import ranking_policy
from forecasts.services.ledger.chain import GENESIS, PREDICTION_FIELDS_V1, ROW_PAYLOADS
from forecasts.services.ledger.verify import published_heads

FORMAT = "forecast-ledger-audit"
FORMAT_VERSION = 1
CHUNK = 5000
# The figures of a track record as /api/experts/{slug}/ and /api/track-records/ publish them.
RECORD_FIGURES = (
    "resolved_count", "hindsight_share", "brier", "log_score", "brier_skill", "base_rate_skill",
    "hit_rate", "hit_rate_low", "hit_rate_high", "hit_count", "hit_n", "ranking_score",
    "peer_mean", "peer_count", "consensus_relative_mean", "consensus_count", "yield_score",
    "calibration", "murphy", "scoring_version",
)  # fmt: skip
# A leaderboard row's figures as /api/leaderboard/ publishes them.
BOARD_FIGURES = (
    "rank", "resolved_count", "brier", "log_score", "brier_skill", "hit_rate", "hit_rate_low",
    "hit_rate_high", "ranking_score", "peer_mean", "consensus_relative_mean", "provisional",
    "hindsight_share",
)  # fmt: skip
CANONICAL_FORM = (
    "hash = lowercase hex SHA-256 of the UTF-8 bytes of prev_hash + payload; the first entry's "
    "prev_hash is 64 zeros. payload is the entry's JSON exactly as stored (hash those bytes, "
    "do not re-serialise): keys sorted, separators ',' and ':', non-ASCII kept as UTF-8, "
    "floats as the shortest string that reads back as the same double (Python repr), dates "
    "YYYY-MM-DD, datetimes in UTC as YYYY-MM-DDTHH:MM:SS.ffffff+00:00, plus the key 'kind'. "
    "Predictions chained before recorded_at existed carry only the first field list; their "
    "recorded_at is the creation time of their first version."
)


def pseudonym(user_id: int | None) -> str | None:
    """A stable stand-in for a person: the integer the chain already carries, no name."""
    return None if user_id is None else f"user-{user_id}"


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def manifest(head: LedgerHead) -> dict:
    policy = ranking_policy()
    return {
        "type": "manifest",
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "head": {"seq": head.seq, "hash": head.hash},
        "scoring_version": settings.SCORING_VERSION,
        "hindsight_policy": scoring.HINDSIGHT_POLICY,
        "verbal_table_version": verbal.TABLE_VERSION,
        "verbal_table_versions_used": sorted(
            v
            for v in Prediction.objects.order_by()
            .values_list("table_version", flat=True)
            .distinct()
            if v
        ),
        "ranking_policy": {"mu0": policy.mu0, "k": policy.k, "min_resolved": policy.min_resolved},
        "scoring_constants": {
            "log_clip": [scoring.LOG_CLIP_LOW, scoring.LOG_CLIP_HIGH],
            "wilson_z": scoring.WILSON_Z,
            "calibration_bins": 10,
            "units_per_one": 10**12,
            "tie_decimals": scoring.TIE_DECIMALS,
        },
        "time_zone": settings.TIME_ZONE,
        "ledger": {
            "genesis": GENESIS,
            "canonical_form": CANONICAL_FORM,
            "fields": {kind: list(_payload_keys(kind)) for kind in sorted(ROW_PAYLOADS)},
            "prediction_fields_v1": list(PREDICTION_FIELDS_V1),
        },
        "user_data": "none: people appear as user-<id> pseudonyms; no names, emails or tokens",
    }


def _payload_keys(kind: str) -> list[str]:
    entry = LedgerEntry.objects.filter(kind=kind).order_by("-seq").values_list("payload").first()
    if entry is None:
        return []
    return sorted(json.loads(entry[0]))


def ledger_lines() -> Iterator[dict]:
    """The whole chain in order. `seq` is an increasing label with gaps (a rolled-back append
    uses up numbers); a head's number is the chain's length, its count of entries."""
    entries = LedgerEntry.objects.order_by("seq")
    columns = ("seq", "kind", "object_id", "prev_hash", "hash", "payload")
    for seq, kind, object_id, prev, digest, payload in entries.values_list(*columns).iterator(
        CHUNK
    ):
        yield {
            "type": "ledger",
            "seq": seq,
            "kind": kind,
            "object_id": object_id,
            "prev_hash": prev,
            "hash": digest,
            "payload": payload,
        }


def expert_lines() -> Iterator[dict]:
    for expert in Expert.objects.order_by("pk").iterator(CHUNK):
        yield {
            "type": "expert",
            "id": expert.pk,
            "slug": expert.slug,
            "name": expert.name,
            "aliases": list(expert.aliases),
            "affiliation": expert.affiliation,
            "links": expert.links,
        }


def topic_lines() -> Iterator[dict]:
    for pk, slug, name in Topic.objects.order_by("pk").values_list("pk", "slug", "name"):
        yield {"type": "topic", "id": pk, "slug": slug, "name": name}


def source_lines() -> Iterator[dict]:
    columns = ("pk", "kind", "title", "outlet", "via", "url", "published_on")
    for pk, kind, title, outlet, via, url, published_on in (
        Source.objects.order_by("pk").values_list(*columns).iterator(CHUNK)
    ):
        yield {
            "type": "source",
            "id": pk,
            "kind": kind,
            "title": title,
            "outlet": outlet,
            "via": via,
            "url": url,
            "published_on": day(published_on),
        }


def question_lines() -> Iterator[dict]:
    topics: dict[int, list[int]] = {}
    through = Question.topics.through.objects.order_by("question_id", "topic_id")
    for question_id, topic_id in through.values_list("question_id", "topic_id").iterator(CHUNK):
        topics.setdefault(question_id, []).append(topic_id)
    columns = (
        "pk", "title", "resolution_criteria", "deadline", "status", "outcome", "resolved_at",
        "first_resolved_at", "consensus_probability", "consensus_source", "version",
    )  # fmt: skip
    for row in Question.objects.order_by("pk").values_list(*columns).iterator(CHUNK):
        pk, title, criteria, deadline, status, outcome, resolved, first, c, c_source, v = row
        yield {
            "type": "question",
            "id": pk,
            "title": title,
            "resolution_criteria": criteria,
            "deadline": day(deadline),
            "topic_ids": topics.get(pk, []),
            "status": status,
            "outcome": outcome,
            "resolved_at": iso(resolved),
            "first_resolved_at": iso(first),
            "consensus_probability": c,
            "consensus_source": c_source,
            "version": v,
        }


def revision_lines() -> Iterator[dict]:
    for r in QuestionRevision.objects.order_by("pk").iterator(CHUNK):
        yield {
            "type": "question_revision",
            "id": r.pk,
            "question_id": r.question_id,
            "version": r.version,
            "title": r.title,
            "resolution_criteria": r.resolution_criteria,
            "deadline": day(r.deadline),
            "topic_ids": r.topic_ids,
            "consensus_probability": r.consensus_probability,
            "consensus_source": r.consensus_source,
            "reason": r.reason,
            "changed_by": pseudonym(r.changed_by_id),
            "changed_at": iso(r.changed_at),
        }


PREDICTION_COLUMNS = (
    "pk", "expert_id", "question_id", "probability", "basis", "phrase", "table_version",
    "made_on", "source_id", "quote", "recorded_by_id", "version", "supersedes_id",
    "superseded_at", "correction_reason", "created_at", "recorded_at", "recorded_via",
    "corrected_after_deadline", "hindsight",
)  # fmt: skip


def prediction_lines() -> Iterator[dict]:
    # Prediction.hindsight, in SQL: against the question's current deadline and first resolution.
    rows = (
        Prediction.objects.with_hindsight()
        .order_by("pk")
        .values_list(*PREDICTION_COLUMNS[:-1], "is_hindsight")
    )
    for row in rows.iterator(CHUNK):
        values = dict(zip(PREDICTION_COLUMNS, row, strict=True))
        yield {
            "type": "prediction",
            "id": values["pk"],
            "expert_id": values["expert_id"],
            "question_id": values["question_id"],
            "probability": values["probability"],
            "basis": values["basis"],
            "phrase": values["phrase"],
            "table_version": values["table_version"],
            "made_on": day(values["made_on"]),
            "source_id": values["source_id"],
            "quote": values["quote"],
            "recorded_by": pseudonym(values["recorded_by_id"]),
            "version": values["version"],
            "supersedes_id": values["supersedes_id"],
            "superseded_at": iso(values["superseded_at"]),
            "correction_reason": values["correction_reason"],
            "created_at": iso(values["created_at"]),
            "recorded_at": iso(values["recorded_at"]),
            "recorded_via": values["recorded_via"],
            "corrected_after_deadline": values["corrected_after_deadline"],
            "hindsight": bool(values["hindsight"]),
        }


def verdict_lines() -> Iterator[dict]:
    for r in Review.objects.order_by("pk").iterator(CHUNK):
        yield {
            "type": "verdict",
            "id": r.pk,
            "question_id": r.question_id,
            "reviewer": pseudonym(r.reviewer_id),
            "round": r.round,
            "outcome": r.outcome,
            "evidence_url": r.evidence_url,
            "note": r.note,
            "reason": r.reason,
            "created_at": iso(r.created_at),
        }


def head_lines(length: int) -> Iterator[dict]:
    """The heads published in LEDGER_HEAD_FILE up to this chain length, oldest first."""
    for seq, (date, digest) in sorted(published_heads().items()):
        if seq <= length:
            yield {"type": "published_head", "date": date, "seq": seq, "hash": digest}


def track_record_lines() -> Iterator[dict]:
    records = TrackRecord.objects.filter(topic__isnull=True).order_by(
        "expert_id", "prospective_only"
    )
    for record in records.iterator(CHUNK):
        line = {
            "type": "track_record",
            "expert_id": record.expert_id,
            "record": "prospective" if record.prospective_only else "all",
        }
        line.update({name: getattr(record, name) for name in RECORD_FIGURES})
        line["provisional"] = record.resolved_count < settings.RANKING_MIN_RESOLVED
        yield line


def leaderboard_lines(page: int = 1000) -> Iterator[dict]:
    """Both overall leaderboards (all forecasts, prospective only), default filters."""
    for prospective in (False, True):
        rows = BoardFilters(prospective=prospective).rows("all")
        total = rows.count()
        for start in range(0, total, page):
            for row in rows[start : start + page]:
                line = {
                    "type": "leaderboard",
                    "record": "prospective" if prospective else "all",
                    "expert_id": row.expert.pk,
                }
                line.update({name: getattr(row, name) for name in BOARD_FIGURES})
                yield line
