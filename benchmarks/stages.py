"""Measurements that run inside Django against the benchmark database, one per subprocess.

Each stage returns a dict of plain numbers; `python -m benchmarks --stage NAME` prints it as JSON.
"""

import datetime as dt
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, Q

from config.celery import app as celery_app
from forecasts.models import Expert, PredictionScore, Question, ScoreSums, TrackRecord
from forecasts.services import create_question, record_prediction
from forecasts.services.audit.publish import build_dump_file
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.reminders import send_review_reminders
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.track_records.rebuild import recompute_track_records

VERIFIER = Path(settings.BASE_DIR) / "tools" / "verify_audit.py"

# The floor: per expert and calibration bin, the same sums the rebuild stores (count, Σp, Σo,
# Σp², Σp·o, Σbrier, Σlog score, hits), straight from predictions and questions in one query,
# summed exactly (numeric) as the rebuild does. No peer or consensus terms, nothing written.
FLOOR_SQL = """
SELECT c.expert_id, c.bin, count(*), sum(c.p::numeric), sum(c.o), sum((c.p * c.p)::numeric),
       sum((c.p * c.o)::numeric), sum(((c.p - c.o) ^ 2)::numeric),
       sum(ln(greatest(least(CASE WHEN c.o = 1 THEN c.p ELSE 1 - c.p END, 0.999), 0.001))::numeric),
       sum(c.hit), count(c.hit)
FROM (
  SELECT DISTINCT ON (p.question_id, p.expert_id)
         p.expert_id, p.probability AS p, (q.outcome = 'yes')::int AS o,
         greatest(0, ceil(round(p.probability * 10000) / 1000) - 1) AS bin,
         CASE WHEN p.probability > 0.5 THEN (q.outcome = 'yes')::int
              WHEN p.probability < 0.5 THEN (q.outcome = 'no')::int END AS hit
  FROM forecasts_prediction p JOIN forecasts_question q ON q.id = p.question_id
  WHERE q.status = 'resolved' AND q.outcome IN ('yes', 'no') AND p.superseded_at IS NULL
    AND p.probability IS NOT NULL AND p.made_on <= q.deadline
  ORDER BY p.question_id, p.expert_id, p.made_on DESC, p.id DESC
) c
GROUP BY c.expert_id, c.bin
"""


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def floor_query() -> int:
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        return len(cursor.fetchall())


def store_floor() -> float:
    """Seconds PostgreSQL takes only to store what the rebuild stores: its scores, sums and
    records copied, already computed, into empty tables with the same columns, indexes and
    checks (CREATE TABLE … LIKE … INCLUDING ALL; no foreign keys, as the rebuild skips their
    checks). Rolled back. Any rebuild that keeps its results pays at least this."""
    tables = [PredictionScore, ScoreSums, TrackRecord]
    names = [model._meta.db_table for model in tables]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"CREATE TEMP TABLE copy_{name} (LIKE {name} INCLUDING ALL)")
            started = time.perf_counter()
            for name in names:
                cursor.execute(f"INSERT INTO copy_{name} SELECT * FROM {name}")  # noqa: S608
            seconds = time.perf_counter() - started
            raise _Rollback(seconds)
    except _Rollback as done:
        return done.seconds


class _Rollback(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def rebuild() -> dict:
    """(a) The full rebuild against the floor, side by side: floor, rebuild, floor again;
    then what storing the rebuild's output alone costs (store_floor)."""
    floor_first, groups = _timed(floor_query)
    seconds, records = _timed(recompute_track_records)
    floor_second, _ = _timed(floor_query)
    floor = min(floor_first, floor_second)
    return {
        "rebuild_s": seconds,
        "floor_s": floor,
        "ratio": seconds / floor,
        "store_s": store_floor(),
        "records": records,
        "scores": PredictionScore.objects.count(),
        "floor_groups": groups,
        "experts": Expert.objects.count(),
    }


def _admin() -> AbstractBaseUser:
    """An admin of the bench database (the generator makes none): resolves, logs in."""
    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench-admin", "a@example.org", None)
    return admin


def _sample_experts(prolific: bool, count: int = 20, seed: int = 7) -> list[Expert]:
    experts = Expert.objects.annotate(n=Count("scores"))
    if prolific:
        return list(experts.order_by("-n", "pk")[:count])
    ids = list(experts.filter(n__gt=0).order_by("pk").values_list("pk", flat=True))
    return list(Expert.objects.filter(pk__in=random.Random(seed).sample(ids, min(count, len(ids)))))


def incremental() -> dict:
    """(b) Resolve a question with 20 predictions; the track-record update runs inline (eager
    Celery), so the time is the resolution, its scoring and the 20 experts' record rebuilds."""
    celery_app.conf.task_always_eager = True
    admin = _admin()
    today = dt.date.today()
    results = {}
    # Untimed, first: one resolution warms the process (URLValidator's regex, Celery's eager
    # machinery, the task module: 150-250 ms once), which a running worker has long paid.
    for label, prolific in (("warm-up", False), ("typical", False), ("prolific", True)):
        experts = _sample_experts(prolific, seed=8 if label == "warm-up" else 7)
        question = create_question(
            title=f"Bench question ({label}) {time.time_ns()}?",
            resolution_criteria="YES if so.",
            deadline=today - dt.timedelta(days=1),
        )
        for i, expert in enumerate(experts):
            record_prediction(
                expert=expert,
                question=question,
                probability=round(0.05 + 0.045 * i, 3),
                made_on=today - dt.timedelta(days=10),
            )
        seconds, _ = _timed(
            lambda q=question: resolve_question(
                question=q, outcome="yes", resolved_by=admin, evidence_url="https://e.org/x"
            )
        )
        if label == "warm-up":
            continue
        results[f"{label}_ms"] = seconds * 1000
        results[f"{label}_scores"] = PredictionScore.objects.filter(expert__in=experts).count()
    return results


def sweep() -> dict:
    """(d) The due sweep, then one reminder pass (email to memory, not to a server)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    overdue = Question.objects.filter(
        status=Question.Status.OPEN, deadline__lt=dt.date.today()
    ).count()
    sweep_s, report = _timed(mark_due_questions)
    reminders_s, passed = _timed(send_review_reminders)
    return {
        "questions": Question.objects.count(),
        "overdue": overdue,
        "marked_due": report.marked_due,
        "assigned": report.assigned,
        "sweep_s": sweep_s,
        "reminders_s": reminders_s,
        "digests": passed.digests_sent,
        "reminder_rows": passed.rows_sent,
        "total_s": sweep_s + reminders_s,
    }


def explain(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def pages() -> dict:
    """(p) Pages and API reads at the database's extremes, in-process (Django's test client,
    DEBUG off, the cache cleared before each request, so every page is rendered): the most
    prolific expert's page and detail, the busiest question's, and the first page of the big
    lists, and the admin lists editors work in. Median of 5 after one untimed request each."""
    from django.core.cache import cache
    from django.test import Client

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    static = "django.contrib.staticfiles.storage.StaticFilesStorage"  # no collectstatic here
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": static}}
    current = Count("predictions", filter=Q(predictions__superseded_at__isnull=True))
    expert = Expert.objects.annotate(n=current).order_by("-n", "pk").first()
    question = Question.objects.annotate(n=current).order_by("-n", "pk").first()
    paths = [
        "/",
        f"/experts/{expert.slug}/",
        f"/questions/{question.pk}/",
        "/api/leaderboard/",
        f"/api/experts/{expert.slug}/",
        f"/api/questions/{question.pk}/",
        "/api/predictions/",
        "/api/questions/?status=due",
        f"/api/predictions/?expert={expert.slug}",
        "/api/feeds/predictions/",
        "/admin/forecasts/prediction/",
        "/admin/forecasts/question/",
        "/admin/forecasts/expert/",
    ]
    client, timings = Client(), {}
    client.force_login(_admin())  # the admin lists are an editor's pages; the others are public
    for path in paths:
        accept = "application/json" if path.startswith("/api/") else "text/html"
        runs = []
        for _ in range(6):
            cache.clear()
            started = time.perf_counter()
            response = client.get(path, secure=True, headers={"accept": accept})
            runs.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        timings[path] = {"ms": sorted(runs[1:])[2], "kb": len(response.content) / 1024}
    worst = max(timings, key=lambda path: timings[path]["ms"])
    return {
        "expert_predictions": expert.n,
        "question_predictions": question.n,
        "timings": timings,
        "worst_path": worst,
        "worst_ms": timings[worst]["ms"],
    }


def audit() -> dict:
    """(f) The public audit dump: build time and size, and the stand-alone verifier's run time
    and peak memory on it (a process of its own, as a reader runs it)."""
    if not TrackRecord.objects.exists():  # the data is generated without scores
        recompute_track_records()
    folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    try:
        built = build_dump_file(directory=folder)
        started = time.perf_counter()
        verified = subprocess.run(  # noqa: S603 - our interpreter on our own file
            [sys.executable, "-I", str(VERIFIER), str(built.path)],
            capture_output=True,
            text=True,
            check=False,
        )
        verify_s = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "build_s": built.seconds,
        "size_bytes": built.size,
        "predictions": built.counts.get("prediction", 0),
        "ledger": built.counts.get("ledger", 0),
        "lines": sum(built.counts.values()),
        "verify_s": verify_s,
        "verify_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "reproduced": verified.returncode == 0 and "all figures reproduced" in verified.stdout,
        "verifier_tail": verified.stdout.strip().splitlines()[-3:]
        + verified.stderr.splitlines()[-3:],
    }


SEARCH_RUNS = 20  # terms per endpoint; p95 is the second slowest of 20


def _search_terms(seed: int = 11) -> dict[str, list[str]]:
    """Terms an editor would type, drawn at random from the data (not tuned to): a full name,
    a surname, a name typed with a hyphen and in lower case, two words of a question's title,
    and a title retyped without its case number for the similar-question lookup."""
    rng = random.Random(seed)
    names = list(Expert.objects.order_by("pk").values_list("name", flat=True))
    open_ids = list(
        Question.objects.filter(status=Question.Status.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    picked = rng.sample(open_ids, min(200, len(open_ids)))
    titles = list(Question.objects.filter(pk__in=picked).values_list("title", flat=True))

    def name_term() -> str:
        name = rng.choice(names)
        return rng.choice([name, name.split()[-1], name.lower().replace(" ", "-")])

    def title_words() -> str:
        words = [w for w in rng.choice(titles).split() if w.isalpha() and w not in ("Will", "by")]
        start = rng.randrange(max(1, len(words) - 1))
        return " ".join(words[start : start + 2])

    def retyped_title() -> str:
        return rng.choice(titles).split(" (case")[0].replace(" by ", " before ") + "?"

    n = SEARCH_RUNS
    return {
        "experts": [name_term() for _ in range(n)],
        "questions": [title_words() for _ in range(n)],
        "predictions": [rng.choice([name_term, title_words])() for _ in range(n)],
        "similar": [retyped_title() for _ in range(n)],
    }


def search() -> dict:
    """(s) Text search at scale through the API and the admin, and the similar-question
    lookup: each endpoint with SEARCH_RUNS terms drawn from the data, in-process (Django's test
    client, DEBUG off, cache cleared), after one untimed request; p50 and p95 per endpoint."""
    from django.core.cache import cache
    from django.test import Client

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    terms = _search_terms()
    endpoints = {
        "api_experts": ("/api/experts/", "search", terms["experts"]),
        "api_questions": ("/api/questions/", "search", terms["questions"]),
        "api_predictions": ("/api/predictions/", "search", terms["predictions"]),
        "admin_experts": ("/admin/forecasts/expert/", "q", terms["experts"]),
        "admin_questions": ("/admin/forecasts/question/", "q", terms["questions"]),
        "admin_predictions": ("/admin/forecasts/prediction/", "q", terms["predictions"]),
        "similar_questions": ("/api/questions/", "similar_to", terms["similar"]),
    }
    client, results = Client(), {}
    client.force_login(_admin())
    for name, (path, param, words) in endpoints.items():
        client.get(path, {param: words[0]}, secure=True)  # untimed: warms the process
        runs = []
        for word in words:
            cache.clear()
            started = time.perf_counter()
            response = client.get(path, {param: word}, secure=True)
            runs.append(((time.perf_counter() - started) * 1000, word))
            if response.status_code != 200:
                raise RuntimeError(f"{path}?{param}={word} answered {response.status_code}")
        runs.sort()
        results[name] = {
            "p50_ms": runs[len(runs) // 2][0],
            "p95_ms": runs[int(0.95 * (len(runs) - 1))][0],
            "max_ms": runs[-1][0],
            "slowest_term": runs[-1][1],
            "terms": words,
        }
    return {"endpoints": results}


STAGES = {
    "rebuild": rebuild,
    "incremental": incremental,
    "sweep": sweep,
    "pages": pages,
    "audit": audit,
    "search": search,
}
