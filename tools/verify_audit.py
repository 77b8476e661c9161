#!/usr/bin/env python3
"""Check a Forecast Ledger audit dump without trusting Forecast Ledger.

    python verify_audit.py forecast-ledger-audit.jsonl.gz [--head HASH] [--all]

Python 3.11+ standard library only: no Django, no repository, no network. It

1. recomputes the SHA-256 hash chain from every entry's payload, and checks it against the
   heads the dump says were published and against any head you saved earlier (--head);
2. checks every row of the dump (questions, question revisions, prediction versions,
   verdicts) against what the chain published;
3. recomputes every expert's track record from the chained facts alone, by the rules of
   SCORING.md (which forecast counts, Brier, log score, hit rate with its Wilson interval,
   calibration bins, Murphy terms, peer and consensus scores, the shrunk ranking score, the
   prospective-only record), and compares them with the figures the dump publishes;
4. ranks the experts and prints the leaderboard.

Every difference is named (the row, or the expert, the figure and both values). Exit status:
0 when everything was reproduced ("all figures reproduced"), 1 when anything differs, 2 when
the file cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

GENESIS = "0" * 64
TOLERANCE = 1e-9
SHOW_PROBLEMS = 40
# Fields a row shows under another name than its chained payload: people as pseudonyms.
PEOPLE = {"recorded_by_id": "recorded_by", "reviewer_id": "reviewer", "changed_by_id": "changed_by"}
FLOAT_FIELDS = ("probability", "consensus_probability")
# The chained payload of a prediction before recorded_at was part of it (see the manifest).
LATER_PREDICTION_FIELDS = ("recorded_at", "recorded_via", "corrected_after_deadline")
ROW_KINDS = {
    "prediction": "prediction",
    "verdict": "review",
    "question_revision": "question_revision",
}


class Policy:
    """Scoring constants and ranking policy, read from the dump's manifest (SCORING.md)."""

    def __init__(self, manifest: dict) -> None:
        constants = manifest.get("scoring_constants", {})
        ranking = manifest.get("ranking_policy", {})
        self.clip_low, self.clip_high = constants.get("log_clip", [0.001, 0.999])
        self.z = constants.get("wilson_z", 1.959964)
        self.bins = constants.get("calibration_bins", 10)
        self.units = constants.get("units_per_one", 10**12)
        self.tie_decimals = constants.get("tie_decimals", 12)
        self.mu0 = ranking.get("mu0", 0.25)
        self.k = ranking.get("k", 10)
        self.min_resolved = ranking.get("min_resolved", 5)
        self.time_zone = manifest.get("time_zone", "UTC")
        self.scoring_version = manifest.get("scoring_version")


# --- reading ----------------------------------------------------------------------------------


def read_lines(path: str) -> Iterator[dict]:
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            if text.strip():
                try:
                    yield json.loads(text)
                except ValueError as error:
                    raise SystemExit(f"{path}: line {number} is not JSON ({error})") from None


def local_date(moment: dt.datetime, time_zone: str) -> dt.date:
    if time_zone == "UTC":
        return moment.astimezone(dt.UTC).date()
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(time_zone)).date()


def public_view(payload: dict) -> dict:
    """A chained payload as the dump's row shows it: people as pseudonyms, floats as numbers."""
    view = {}
    for key, value in payload.items():
        if key == "kind":
            continue
        if key in PEOPLE:
            view[PEOPLE[key]] = None if value is None else f"user-{value}"
        elif key in FLOAT_FIELDS:
            view[key] = None if value is None else float(value)
        else:
            view[key] = value
    return view


def digest(view: dict) -> bytes:
    text = json.dumps(view, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=12).digest()


# --- 1 and 2: the chain, and the rows against it ---------------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
DAY_US = 86_400_000_000
# What names a difference in a row of each kind (a prediction's come from its scoring facts).
KEY_FIELDS = {
    "review": ("question_id", "round", "outcome", "evidence_url"),
    "question_revision": ("question_id", "version", "deadline", "consensus_probability"),
}
PREDICTION_KEYS = ("expert_id", "question_id", "probability", "made_on", "recorded_at")
QUESTION_TERMS = ("title", "resolution_criteria", "deadline", "version")
QUESTION_CONTEXT = ("topic_ids", "consensus_probability", "consensus_source")
SETTLEMENT = ("review_id", "status", "outcome", "resolved_at", "first_resolved_at")


def micros(value: str | None) -> int | None:
    """A chained time as integer microseconds since 1970 (exact, and small to keep)."""
    return None if value is None else (dt.datetime.fromisoformat(value) - EPOCH) // MICROSECOND


def iso(value: int) -> str:
    return (EPOCH + value * MICROSECOND).isoformat(timespec="microseconds")


def question_digest(view: dict, with_context: bool) -> bytes:
    fields = QUESTION_TERMS + (QUESTION_CONTEXT if with_context else ())
    values = {f: sorted(view.get(f) or []) if f == "topic_ids" else view.get(f) for f in fields}
    return digest(values)


class Chain:
    """One pass over the ledger: hashes, heads, and the chained facts scoring needs, kept small
    (a million prediction versions are a few hundred bytes each)."""

    def __init__(self, saved_heads: list[tuple[int | None, str]], problems: list[str]) -> None:
        self.problems = problems
        self.prev, self.length, self.last_seq = GENESIS, 0, 0
        self.expected_heads: dict[int, tuple[str, str]] = {}  # chain length -> (date, hash)
        self.saved = saved_heads
        self.saved_found: set[int] = set()
        # Per kind and row: its entry's seq (8 bytes) and a digest of what it published.
        self.published: dict[str, dict[int, bytes]] = defaultdict(dict)
        self.key_fields: dict[tuple[str, int], tuple] = {}
        # Prediction id -> (expert, question, p, made_on day ordinal, recorded_at µs, supersedes).
        self.predictions: dict[int, tuple] = {}
        self.corrections: dict[int, str] = {}  # superseded id -> correction's created_at
        # Question -> (version, deadline ordinal, consensus, context chained?, terms digest).
        self.revisions: dict[int, tuple] = {}
        self.settlements: dict[int, tuple] = {}  # question -> its last chained SETTLEMENT
        self.broken = False

    def add(self, line: dict) -> None:
        seq, kind = line.get("seq"), line.get("kind")
        where = f"ledger entry #{seq} ({kind} {line.get('object_id')})"
        payload = line.get("payload", "")
        # seq labels entries in order, with gaps; a head counts entries (the chain's length).
        if not isinstance(seq, int) or seq <= self.last_seq:
            self.problems.append(f"{where}: out of order after entry #{self.last_seq}")
        self.last_seq = seq if isinstance(seq, int) else self.last_seq
        if line.get("prev_hash") != self.prev and not self.broken:
            self.problems.append(
                f"{where}: its prev_hash is not the hash of the entry before it: entries "
                "before it were removed or reordered"
            )
            self.broken = True  # one break explains every entry after it
        # Each entry is checked on its own (its hash from its prev_hash and payload) and the
        # links separately, so one edit or one removal is named once, not at every later entry.
        stated_prev = str(line.get("prev_hash"))
        computed = hashlib.sha256((stated_prev + payload).encode()).hexdigest()
        if computed != line.get("hash"):
            self.problems.append(
                f"{where}: its payload hashes to {computed}, not the {line.get('hash')} it shows"
            )
        self.prev, self.length = str(line.get("hash")), self.length + 1
        self._check_heads(computed)
        try:
            facts = json.loads(payload)
        except ValueError:
            self.problems.append(f"{where}: its payload is not JSON")
            return
        self._remember(seq, kind, line.get("object_id"), facts)

    def _check_heads(self, computed: str) -> None:
        published = self.expected_heads.get(self.length)
        if published and published[1] != computed:
            self.problems.append(
                f"published head #{self.length} ({published[0]}): it is {published[1]}, but the "
                f"chain recomputes to {computed} there"
            )
        for index, (seq, digest_) in enumerate(self.saved):
            if digest_ == computed and seq in (None, self.length):
                self.saved_found.add(index)

    def _remember(self, seq: int, kind: str, object_id: int, facts: dict) -> None:
        if kind == "resolution":
            self.settlements[facts["question_id"]] = tuple(facts.get(f) for f in SETTLEMENT)
            return
        if kind == "prediction":
            self._remember_prediction(facts)
        view = public_view(facts)
        if kind == "question_revision":
            self._remember_revision(view)
        self.published[kind][object_id] = seq.to_bytes(8, "big") + digest(view)
        if kind in KEY_FIELDS:
            self.key_fields[(kind, object_id)] = tuple(view.get(f) for f in KEY_FIELDS[kind])

    def _remember_revision(self, view: dict) -> None:
        latest = self.revisions.get(view["question_id"])
        if latest is None or view["version"] > latest[0]:
            context = view.get("topic_ids") is not None  # chained from then on
            self.revisions[view["question_id"]] = (
                view["version"], dt.date.fromisoformat(view["deadline"]).toordinal(),
                view.get("consensus_probability"), context, question_digest(view, context),
            )  # fmt: skip

    def _remember_prediction(self, facts: dict) -> None:
        if "recorded_at" not in facts:  # chained before recorded_at was: its rule instead
            original = self.predictions.get(facts["supersedes_id"])
            facts["recorded_at"] = iso(original[4]) if original else facts["created_at"]
            facts["recorded_via"], facts["corrected_after_deadline"] = "", False
        p = None if facts["probability"] is None else float(facts["probability"])
        self.predictions[facts["id"]] = (
            facts["expert_id"], facts["question_id"], p,
            dt.date.fromisoformat(facts["made_on"]).toordinal(), micros(facts["recorded_at"]),
            facts["supersedes_id"],
        )  # fmt: skip
        if facts["supersedes_id"] is not None:
            self.corrections[facts["supersedes_id"]] = facts["created_at"]

    def take(self, kind: str, object_id: int) -> tuple[int, bytes] | None:
        """A chained row's entry number and digest, once: what is left was never in the dump."""
        packed = self.published.get(kind, {}).pop(object_id, None)
        return None if packed is None else (int.from_bytes(packed[:8], "big"), packed[8:])

    def prediction_keys(self, object_id: int) -> tuple:
        expert, question, p, made_on, recorded, _ = self.predictions[object_id]
        return expert, question, p, dt.date.fromordinal(made_on).isoformat(), iso(recorded)

    def finish(self, summary: dict | None) -> None:
        for seq, (date, _) in sorted(self.expected_heads.items()):
            if seq > self.length:
                self.problems.append(
                    f"published head #{seq} ({date}): the chain has only {self.length} entries"
                )
        for index, (seq, value) in enumerate(self.saved):
            if index not in self.saved_found:
                at = f"#{seq} " if seq else ""
                self.problems.append(
                    f"your saved head {at}{value}: the chain never passes through it, so what "
                    "was published then has been changed or removed"
                )
        if summary and summary.get("head", {}).get("hash") != self.prev:
            self.problems.append(
                f"summary: the dump's head is {summary.get('head')}, the chain's is "
                f"#{self.length} {self.prev}"
            )


class Rows:
    """The dump's rows against the chain: each chained row present and equal, none extra."""

    def __init__(self, chain: Chain, problems: list[str], policy: Policy) -> None:
        self.chain, self.problems, self.policy = chain, problems, policy
        # The consensus of questions whose last revision predates chained context.
        self.unchained_consensus: dict[int, float | None] = {}

    def check(self, line: dict) -> None:
        kind_name = line["type"]
        if kind_name == "question":
            self._check_question(line)
            return
        kind = ROW_KINDS[kind_name]
        row_id = line.get("id")
        name = f"{kind_name} {row_id}"
        chained = self.chain.take(kind, row_id)
        if chained is None:
            self.problems.append(f"{name}: in the dump twice, or never chained in the ledger")
            return
        seq, expected = chained
        row = {k: v for k, v in line.items() if k not in ("type", "superseded_at", "hindsight")}
        if digest(row) != expected:
            if kind == "prediction":
                names, values = PREDICTION_KEYS, self.chain.prediction_keys(row_id)
            else:
                names, values = KEY_FIELDS[kind], self.chain.key_fields.pop((kind, row_id))
            difference = self._difference(row, names, values)
            self.problems.append(f"{name}: {difference} (ledger entry #{seq})")
        if kind_name == "prediction":
            self._check_prediction_state(line)

    @staticmethod
    def _difference(row: dict, names: tuple, values: tuple) -> str:
        for field, value in zip(names, values, strict=True):
            if row.get(field) != value:
                return f"{field} is {row.get(field)!r} in the dump, {value!r} as chained"
        # The chain keeps these fields' values, the others only in its digest: say which
        # fields the difference must be in, so a reader knows where to look.
        others = ", ".join(sorted(set(row) - set(names) - {"id"}))
        return f"one of {others} differs from what was chained (the chain holds their digest)"

    def _check_prediction_state(self, line: dict) -> None:
        name = f"prediction {line['id']}"
        corrected_at = self.chain.corrections.get(line["id"])
        if line.get("superseded_at") != corrected_at:
            self.problems.append(
                f"{name}: superseded_at is {line.get('superseded_at')!r}, but the chained "
                f"correction says {corrected_at!r}"
            )
        facts = self.chain.predictions.get(line["id"])
        question = self.chain.revisions.get(line["question_id"])
        if facts and question:
            first = first_resolved(self.chain, line["question_id"])
            hindsight = is_hindsight(facts[4], question[1], first, self.policy)
            if bool(line.get("hindsight")) != hindsight:
                self.problems.append(
                    f"{name}: hindsight is {line.get('hindsight')!r}, the chain says {hindsight!r}"
                )

    def _check_question(self, line: dict) -> None:
        qid = line["id"]
        name = f"question {qid}"
        settled = self.chain.settlements.get(qid)
        if settled is None:
            if line.get("status") in ("resolved", "annulled") or line.get("outcome"):
                self.problems.append(
                    f"{name}: it is {line.get('status')} but no settlement is chained"
                )
        else:
            for field, value in zip(SETTLEMENT[1:], settled[1:], strict=True):
                if line.get(field) != value:
                    self.problems.append(
                        f"{name}: {field} is {line.get(field)!r} in the dump, {value!r} as "
                        f"chained (verdict {settled[0]})"
                    )
        revision = self.chain.revisions.get(qid)
        if revision is None:
            self.problems.append(f"{name}: no revision of its terms is chained")
            return
        version, deadline, consensus, context, terms = revision
        if not context:
            self.unchained_consensus[qid] = line.get("consensus_probability")
        if question_digest(line, context) != terms:
            chained = {
                "version": version,
                "deadline": dt.date.fromordinal(deadline).isoformat(),
                "consensus_probability": consensus
                if context
                else line.get("consensus_probability"),
            }
            field = next((f for f, v in chained.items() if line.get(f) != v), None)
            what = (
                f"{field} is {line.get(field)!r} in the dump, {chained[field]!r} as chained"
                if field
                else "its title, criteria, topics or consensus source differ from what was chained"
            )
            self.problems.append(f"{name}: {what} (revision v{version})")

    def finish(self) -> None:
        names = {v: k for k, v in ROW_KINDS.items()}
        for kind, rows in sorted(self.chain.published.items()):
            for object_id in sorted(rows):
                seq, _ = self.chain.take(kind, object_id)
                self.problems.append(
                    f"{names[kind]} {object_id}: chained (ledger entry #{seq}) but missing "
                    "from the dump"
                )


# --- 3: track records from the chained facts (SCORING.md) ------------------------------------


def first_resolved(chain: Chain, question_id: int) -> int | None:
    settled = chain.settlements.get(question_id)
    return None if settled is None else micros(settled[4])


def is_hindsight(recorded: int, deadline: int, first: int | None, policy: Policy) -> bool:
    """Recorded (µs) on or after the deadline day (an ordinal, in the service's time zone),
    or at or after the first resolution (µs): SCORING.md, "Prospective and hindsight"."""
    if policy.time_zone == "UTC":
        day = EPOCH.date().toordinal() + recorded // DAY_US
    else:
        day = local_date(EPOCH + recorded * MICROSECOND, policy.time_zone).toordinal()
    return day >= deadline or (first is not None and recorded >= first)


def clip(q: float, policy: Policy) -> float:
    return min(max(q, policy.clip_low), policy.clip_high)


def log_score(p: float, o: int, policy: Policy) -> float:
    return math.log(clip(p if o == 1 else 1.0 - p, policy))


def calibration_bin(p: float, bins: int) -> int:
    width = 10_000 // bins
    return max(0, -(-round(p * 10_000) // width) - 1)


def units(value: float, policy: Policy) -> int:
    """One value in integer 1e-12 units, rounded half away from zero, as the service sums."""
    scaled = value * float(policy.units)
    return int(math.copysign(math.floor(abs(scaled) + 0.5), scaled))


# Per (expert, hindsight, bin): n, Σo, hits, hit_n, peer_n, relative_n, yield_n, then in units
# Σp, Σp², Σp·o, Σbrier, Σlog, Σbaseline, Σpeer, Σrelative, Σyield.
SUMS = 16


def score_question(forecasts: list[tuple], o: int, c: float | None, first: int | None,
                   deadline: int, policy: Policy, sums: dict) -> None:  # fmt: skip
    """Add one resolved question's counting forecasts (expert, p, recorded µs) to the sums."""
    logs = [log_score(p, o, policy) for _, p, _ in forecasts]
    total = sum(logs)
    for (expert, p, recorded), ell in zip(forecasts, logs, strict=True):
        peer = None if len(logs) < 2 else 100.0 * (ell - (total - ell) / (len(logs) - 1))
        side = 1 if p > 0.5 else 0 if p < 0.5 else None
        hit = None if side is None else int(side == o)
        relative = q_called = None
        if c is not None:
            relative = 100.0 * (ell - log_score(c, o, policy))
            q_called = None if side is None else (c if side == 1 else 1 - c)
        key = (expert, is_hindsight(recorded, deadline, first, policy),
               calibration_bin(p, policy.bins))  # fmt: skip
        row = sums.setdefault(key, [0] * SUMS)
        counts = (1, o, hit or 0, hit is not None, peer is not None, relative is not None,
                  q_called is not None)  # fmt: skip
        values = (
            p, p * p, p * o, (p - o) ** 2, ell,
            100.0 * (math.log2(clip(p if o else 1 - p, policy)) + 1),
            peer, relative, None if q_called is None else hit / clip(q_called, policy),
        )  # fmt: skip
        for i, count in enumerate(counts):
            row[i] += int(count)
        for i, value in enumerate(values, 7):
            if value is not None:
                row[i] += units(value, policy)


def recompute_sums(chain: Chain, unchained_consensus: dict, policy: Policy) -> dict:
    """The exact sums per (expert, hindsight, bin) over every counting, scored forecast."""
    by_question: dict[int, dict[int, tuple]] = defaultdict(dict)
    for pid, (expert, qid, p, made_on, recorded, _) in chain.predictions.items():
        if p is None or pid in chain.corrections:
            continue  # unknown probability, or replaced by a correction
        revision = chain.revisions.get(qid)
        if revision is None or made_on > revision[1]:
            continue  # made after the deadline: never counts
        best = by_question[qid].get(expert)
        if best is None or (made_on, pid) > best[0]:  # latest made_on, then the later record
            by_question[qid][expert] = ((made_on, pid), p, recorded)
    sums: dict = {}
    for qid in sorted(by_question):
        settled = chain.settlements.get(qid)
        if not settled or settled[1] != "resolved" or settled[2] not in ("yes", "no"):
            continue
        _, deadline, consensus, context, _ = chain.revisions[qid]
        if not context:  # the consensus was not chained then: the dump's question row
            consensus = unchained_consensus.get(qid)
        c = None if consensus is None else float(consensus)
        forecasts = [(e, v[1], v[2]) for e, v in sorted(by_question[qid].items())]
        o = 1 if settled[2] == "yes" else 0
        score_question(forecasts, o, c, micros(settled[4]), deadline, policy, sums)
    return sums


def wilson(successes: int, n: int, z: float) -> tuple[float, float] | None:
    if n == 0:
        return None
    rate, z2 = successes / n, z * z
    denominator = 1.0 + z2 / n
    centre = (rate + z2 / (2 * n)) / denominator
    half = z * math.sqrt(rate * (1.0 - rate) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def mean(total: float, count: int) -> float | None:
    return total / count if count else None


def figures(bins: dict[int, list[int]], hindsight_count: int, prospective: bool,
            policy: Policy) -> dict:  # fmt: skip
    """One track record's published figures from its per-bin sums (scoring.figures_from_sums)."""
    total = [0] * SUMS
    for row in bins.values():
        total = [a + b for a, b in zip(total, row, strict=True)]
    n, sum_o, hits, hit_n, peer_n, relative_n, yield_n = total[:7]
    u = policy.units
    sum_brier, sum_log, _, sum_peer, sum_relative, sum_yield = (x / u for x in total[10:])
    brier, mean_o = mean(sum_brier, n), mean(sum_o, n)
    low_high = wilson(hits, hit_n, policy.z) or (None, None)
    base_rate = None
    if brier is not None and mean_o not in (None, 0.0, 1.0):
        base_rate = 1.0 - brier / (mean_o * (1.0 - mean_o))
    share_total = n + (hindsight_count if prospective else 0)
    return {
        "resolved_count": n,
        "hindsight_share": hindsight_count / share_total if share_total else None,
        "brier": brier,
        "log_score": mean(sum_log, n),
        "brier_skill": None if brier is None else 1.0 - brier / 0.25,
        "base_rate_skill": base_rate,
        "hit_rate": mean(hits, hit_n),
        "hit_rate_low": low_high[0],
        "hit_rate_high": low_high[1],
        "hit_count": hits,
        "hit_n": hit_n,
        "ranking_score": (sum_brier + policy.k * policy.mu0) / (n + policy.k),
        "peer_mean": mean(sum_peer, peer_n),
        "peer_count": peer_n,
        "consensus_relative_mean": mean(sum_relative, relative_n),
        "consensus_count": relative_n,
        "yield_score": mean(sum_yield, yield_n),
        "calibration": calibration(bins, policy),
        "murphy": murphy(bins, policy),
        "provisional": n < policy.min_resolved,
        "scoring_version": policy.scoring_version,
    }


def _bin_sums(row: list[int], u: int) -> tuple[int, float, int, float, float]:
    return row[0], row[7] / u, row[1], row[8] / u, row[9] / u  # n, Σp, Σo, Σp², Σp·o


def calibration(bins: dict[int, list[int]], policy: Policy) -> list[dict]:
    width, rows = 10_000 // policy.bins, []
    for k in sorted(bins):
        count, sum_p, sum_o, _, _ = _bin_sums(bins[k], policy.units)
        if count:
            low, high = wilson(sum_o, count, policy.z) or (0.0, 1.0)
            rows.append({
                "lower": k * width / 10_000, "upper": (k + 1) * width / 10_000, "count": count,
                "mean_forecast": sum_p / count, "observed_rate": sum_o / count,
                "ci_low": low, "ci_high": high,
            })  # fmt: skip
    return rows


def murphy(bins: dict[int, list[int]], policy: Policy) -> dict:
    groups = [_bin_sums(bins[k], policy.units) for k in sorted(bins) if bins[k][0]]
    n = sum(g[0] for g in groups)
    if n == 0:
        return {}
    mean_outcome = sum(g[2] for g in groups) / n
    rel = res = wbv = wbc = 0.0
    for count, sum_p, sum_o, sum_pp, sum_po in groups:
        mean_p, mean_o = sum_p / count, sum_o / count
        rel += count * (mean_p - mean_o) ** 2
        res += count * (mean_o - mean_outcome) ** 2
        wbv += max(0.0, sum_pp - sum_p * mean_p)  # a variance: rounding gave -1e-17
        wbc += sum_po - sum_p * mean_o
    return {
        "reliability": rel / n, "resolution": res / n,
        "uncertainty": mean_outcome * (1.0 - mean_outcome),
        "within_bin_variance": wbv / n, "within_bin_covariance": 2.0 * wbc / n,
    }  # fmt: skip


def track_records(sums: dict, policy: Policy) -> dict[tuple[int, str], dict]:
    """{(expert, "all" | "prospective"): figures} for every expert with a scored forecast."""
    per_expert: dict[int, dict[str, dict[int, list[int]]]] = defaultdict(
        lambda: {"all": {}, "prospective": {}}
    )
    hindsight: dict[int, int] = defaultdict(int)
    for (expert, late, k), row in sums.items():
        records = per_expert[expert]
        records["all"][k] = [
            a + b for a, b in zip(records["all"].get(k, [0] * SUMS), row, strict=True)
        ]
        if late:
            hindsight[expert] += row[0]
        else:
            records["prospective"][k] = row
    return {
        (expert, which): figures(bins, hindsight[expert], which == "prospective", policy)
        for expert, records in per_expert.items()
        for which, bins in records.items()
    }


# --- comparing and ranking --------------------------------------------------------------------


def differs(a: Any, b: Any, tolerance: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a != b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) > tolerance * max(1.0, abs(a), abs(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() != b.keys() or any(differs(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) != len(b) or any(differs(x, y, tolerance) for x, y in zip(a, b, strict=True))
    return a != b


def compare_records(published: dict, recomputed: dict, experts: dict, policy: Policy,
                    tolerance: float, problems: list[str]) -> None:  # fmt: skip
    empty = figures({}, 0, False, policy)
    for key in sorted(set(published) | set(recomputed)):
        expert, which = key
        name = f"expert {experts.get(expert, {}).get('slug', expert)} ({which} record)"
        if key not in published:
            if recomputed[key]["resolved_count"]:
                problems.append(f"{name}: no published track record, recomputed n = "
                                f"{recomputed[key]['resolved_count']}")  # fmt: skip
            continue
        ours = recomputed.get(key)
        if ours is None:
            ours = dict(empty, hindsight_share=None)
        for figure, value in ours.items():
            theirs = published[key].get(figure)
            if differs(theirs, value, tolerance):
                problems.append(f"{name}: {figure} published {theirs!r}, recomputed {value!r}")


def tie_key(record: dict, expert: int, policy: Policy) -> tuple:
    brier = record["brier"]
    raw = math.inf if brier is None else round(brier, policy.tie_decimals)
    return (round(record["ranking_score"], policy.tie_decimals), -record["resolved_count"], raw)


def rank(records: dict[int, dict], policy: Policy) -> list[tuple[int | None, int]]:
    """[(rank, expert)]: ranked by S, larger n, lower Brier (ties share a rank), then
    provisional experts in the same order (SCORING.md, "Leaderboard ranking")."""
    minimum = max(1, policy.min_resolved)
    order = sorted(records, key=lambda e: (tie_key(records[e], e, policy), e))
    ranked: list[tuple[int | None, int]] = []
    previous = None
    for expert in (e for e in order if records[e]["resolved_count"] >= minimum):
        key = tie_key(records[expert], expert, policy)
        number = ranked[-1][0] if ranked and key == previous else len(ranked) + 1
        ranked.append((number, expert))
        previous = key
    return ranked + [(None, e) for e in order if records[e]["resolved_count"] < minimum]


# A leaderboard line's figures that are its expert's track record's (the rest: rank, provisional).
BOARD_RECORD_FIGURES = (
    "resolved_count", "brier", "log_score", "brier_skill", "hit_rate", "hit_rate_low",
    "hit_rate_high", "ranking_score", "peer_mean", "consensus_relative_mean", "hindsight_share",
)  # fmt: skip


def compare_board_figures(which: str, lines: list[dict], records: dict[int, dict],
                          experts: dict, policy: Policy, tolerance: float,
                          problems: list[str]) -> None:  # fmt: skip
    """Each line's figures against its expert's recomputed record, and its provisional flag
    against min_resolved: a board is read on its own, so its figures are checked too."""
    for position, line in enumerate(lines, 1):
        expert = line.get("expert_id")
        name = f"leaderboard ({which}) line {position}"
        if expert not in experts:
            problems.append(f"{name}: expert id {expert!r} is not among the dump's experts")
            continue
        ours = records.get(expert)
        if ours is None:
            continue  # not on our board: compare_leaderboard reports the line
        where = f"{name} ({experts[expert].get('slug', expert)})"
        for figure in BOARD_RECORD_FIGURES:
            if differs(line.get(figure), ours.get(figure), tolerance):
                problems.append(f"{where}: {figure} published {line.get(figure)!r}, "
                                f"recomputed {ours.get(figure)!r}")  # fmt: skip
        provisional = ours["resolved_count"] < policy.min_resolved
        if line.get("provisional") is not provisional:
            problems.append(f"{where}: provisional published {line.get('provisional')!r}, "
                            f"recomputed {provisional!r} (n {ours['resolved_count']}, "
                            f"min_resolved {policy.min_resolved})")  # fmt: skip


def check_experts(experts: dict[int, dict], problems: list[str]) -> None:
    """Each slug names one expert (the pages' and the API's key). Names are descriptions an
    admin may correct and are not chained: the ledger ties forecasts to expert ids."""
    seen: dict[str, int] = {}
    for pk in sorted(experts):
        slug = experts[pk].get("slug")
        if slug in seen:
            problems.append(f"expert {pk}: slug {slug!r} is also expert {seen[slug]}'s")
        else:
            seen[slug] = pk


def compare_leaderboard(which: str, lines: list[dict], ours: list[tuple[int | None, int]],
                        experts: dict, problems: list[str]) -> None:  # fmt: skip
    published = [(line.get("rank"), line.get("expert_id")) for line in lines]
    if published == ours:
        return
    slug = {e: experts.get(e, {}).get("slug", e) for _, e in published + ours}
    for position, (theirs, mine) in enumerate(zip(published, ours, strict=False), 1):
        if theirs != mine:
            problems.append(
                f"leaderboard ({which}) line {position}: published {slug[theirs[1]]} at rank "
                f"{theirs[0]}, recomputed {slug[mine[1]]} at rank {mine[0]}"
            )
            return
    problems.append(f"leaderboard ({which}): published {len(published)} lines, recomputed "
                    f"{len(ours)}")  # fmt: skip


# --- the run ----------------------------------------------------------------------------------


def parse_head(text: str) -> tuple[int | None, str]:
    """A saved head: HASH, "SEQ HASH" or a heads.txt line "DATE SEQ HASH"."""
    parts = text.replace(":", " ").split()
    digest_ = parts[-1].lower()
    if len(digest_) != 64 or any(c not in "0123456789abcdef" for c in digest_):
        raise SystemExit(f"--head {text!r}: expected a 64-character hex hash")
    seq = int(parts[-2]) if len(parts) >= 2 and parts[-2].isdigit() else None
    return seq, digest_


def verify(path: str, saved_heads: list[tuple[int | None, str]], tolerance: float) -> dict:
    problems: list[str] = []
    chain = Chain(saved_heads, problems)
    policy = Policy({})
    rows = Rows(chain, problems, policy)
    experts: dict[int, dict] = {}
    published: dict[tuple[int, str], dict] = {}
    boards: dict[str, list[dict]] = defaultdict(list)
    summary = manifest = None
    counts: dict[str, int] = defaultdict(int)
    for line in read_lines(path):
        kind = line.get("type")
        counts[kind] += 1
        if kind == "manifest":
            manifest, policy = line, Policy(line)
            rows.policy = policy
        elif kind == "published_head":
            chain.expected_heads[line["seq"]] = (line["date"], line["hash"])
        elif kind == "ledger":
            chain.add(line)
        elif kind in ("question", *ROW_KINDS):
            rows.check(line)
        elif kind == "expert":
            experts[line["id"]] = line
        elif kind == "track_record":
            published[(line["expert_id"], line["record"])] = line
        elif kind == "leaderboard":
            boards[line["record"]].append(line)
        elif kind == "summary":
            summary = line
    if manifest is None:
        raise SystemExit(f"{path}: no manifest line: not a Forecast Ledger audit dump")
    if summary is None:
        problems.append("summary: the last line is missing: the dump is incomplete")
    chain.finish(summary)
    rows.finish()
    if summary and summary.get("lines"):
        for kind, count in summary["lines"].items():
            if counts.get(kind, 0) != count:
                problems.append(
                    f"summary: {count} {kind} lines listed, {counts.get(kind, 0)} found"
                )
    recomputed = track_records(recompute_sums(chain, rows.unchained_consensus, policy), policy)
    compare_records(published, recomputed, experts, policy, tolerance, problems)
    leaderboards = {}
    for which in ("all", "prospective"):
        listed = {e: r for (e, w), r in published.items() if w == which}
        ours = {e: recomputed.get((e, which)) or figures({}, 0, False, policy) for e in listed}
        leaderboards[which] = rank(ours, policy)
        compare_leaderboard(which, boards[which], leaderboards[which], experts, problems)
        compare_board_figures(which, boards[which], ours, experts, policy, tolerance, problems)
    check_experts(experts, problems)
    return {
        "problems": problems, "chain": chain, "policy": policy, "experts": experts,
        "records": recomputed, "leaderboards": leaderboards, "manifest": manifest,
    }  # fmt: skip


def _number(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def print_report(result: dict, show_all: bool, out: Any = sys.stdout) -> None:
    chain, policy = result["chain"], result["policy"]
    print(f"Ledger: {chain.length} entries, head #{chain.length} {chain.prev}", file=out)
    print(f"Policy: {policy.scoring_version}, mu0 {policy.mu0}, k {policy.k}, "
          f"min_resolved {policy.min_resolved}", file=out)  # fmt: skip
    board = result["leaderboards"]["all"]
    print(f"\nLeaderboard (all forecasts; {len(board)} experts)", file=out)
    print(f"{'rank':>5}  {'expert':<32} {'n':>6} {'brier':>7} {'score S':>8} {'hit rate':>8} "
          f"{'prosp. n':>8}", file=out)  # fmt: skip
    for number, expert in board if show_all else board[:25]:
        mine = result["records"].get((expert, "all")) or {}
        prospective = result["records"].get((expert, "prospective")) or {}
        name = result["experts"].get(expert, {}).get("name", str(expert))[:32]
        print(
            f"{'—' if number is None else number:>5}  {name:<32} "
            f"{mine.get('resolved_count', 0):>6} "
            f"{_number(mine.get('brier')):>7} {_number(mine.get('ranking_score', 0.25)):>8} "
            f"{_number(mine.get('hit_rate'), 3):>8} {prospective.get('resolved_count', 0):>8}",
            file=out,
        )
    if not show_all and len(board) > 25:
        print(f"  ... {len(board) - 25} more (--all lists them)", file=out)
    problems = result["problems"]
    if problems:
        plural = "" if len(problems) == 1 else "s"
        print(f"\nFAILED: {len(problems)} difference{plural}", file=out)
        for problem in problems[:SHOW_PROBLEMS]:
            print(f"  {problem}", file=out)
        if len(problems) > SHOW_PROBLEMS:
            print(f"  ... and {len(problems) - SHOW_PROBLEMS} more", file=out)
    else:
        count = len(result["records"])
        print(f"\nChain intact, rows match the chain; all figures reproduced "
              f"({count} track records, tolerance {TOLERANCE:g}).", file=out)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("dump", help="the audit dump (.jsonl.gz, or plain .jsonl)")
    parser.add_argument("--head", action="append", default=[],
                        help="a head you saved earlier: HASH, 'SEQ HASH' or a heads.txt line; "
                             "repeatable")  # fmt: skip
    parser.add_argument("--all", action="store_true", help="print every leaderboard line")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    args = parser.parse_args(argv)
    try:
        result = verify(args.dump, [parse_head(h) for h in args.head], args.tolerance)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        print(f"cannot read {args.dump}: {error}", file=sys.stderr)
        return 2
    print_report(result, args.all)
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
