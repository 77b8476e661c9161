"""Forecast Ledger settings: one file, configured from the environment.

Every value read from the environment goes through a small helper that raises
ImproperlyConfigured on a bad value, so a typo fails at start-up, not at 3 a.m.
With nothing set, the service runs embedded: SQLite and a filesystem Celery broker under var/.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "csp",
    "axes",
    "forecasts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything reads the body: over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 naming it.
    "config.request_body_limit.RequestBodyLimitMiddleware",
    # A NUL in a query string: a 400, not PostgreSQL's DataError (a 500).
    "config.nul_characters.RefuseNulCharactersMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'forecast-ledger.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the worker and beat share one file: wait for locks instead of failing,
    # take write locks up front, and let readers run beside a writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if not env_bool("DATABASE_JIT", False):
        # PostgreSQL's JIT compiles a plan whose estimated cost passes jit_above_cost: 50-200 ms
        # of compiling for statements that run in 1 ms when an estimate is off (statement
        # triggers' transition tables have no statistics). Our queries are short; the two
        # long ones (full rebuild, benchmarks' floor) gain nothing from it either.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # A worker host that vanishes leaves its sessions open, with their row locks (the stale
    # marks it claimed, the reminders it was sending), until PostgreSQL notices: over two hours
    # with the kernel's keepalive defaults. Probe a silent client, and end its session within
    # DATABASE_DEAD_PEER_SECONDS; the sweeps then redo its work (docs/deploy.md).
    dead_peer = env_int("DATABASE_DEAD_PEER_SECONDS", 60, minimum=12)
    options = DATABASES["default"].setdefault("OPTIONS", {})
    probes = (
        f"-c tcp_keepalives_idle={dead_peer // 2} -c tcp_keepalives_interval={dead_peer // 6}"
        f" -c tcp_keepalives_count=3 -c tcp_user_timeout={dead_peer * 1000}"
        f" -c client_connection_check_interval={dead_peer // 6 * 1000}"
    )
    options["options"] = f"{options.get('options', '')} {probes}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery results; the broker ----------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss://.")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, throttles and cached pages give way, requests don't.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang the requests that count throttles in it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_RESULT_BACKEND = REDIS_URL or None

# The broker: CELERY_BROKER_URL (amqp://... for RabbitMQ) if set, else Redis at REDIS_URL, else
# the filesystem broker under var/. docs/deploy.md compares Redis and RabbitMQ.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
BROKER_KINDS = {"redis": "redis", "rediss": "redis", "unix": "redis", "amqp": "rabbitmq"}
BROKER_KINDS |= {"amqps": "rabbitmq", "pyamqp": "rabbitmq", "filesystem": "filesystem"}
BROKER_KIND = BROKER_KINDS.get(CELERY_BROKER_URL.partition("://")[0], "")
if not BROKER_KIND:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r}: use redis://, rediss:// or amqp://."
    )
# Seconds a message a worker took and never acknowledged (its host died) waits on Redis before
# a worker's restore sweep, run every CELERY_UNACKED_RESTORE_SECONDS, queues it again. It must
# exceed the longest task's time limit plus its longest retry countdown, or a task still
# running is delivered a second time (`manage.py deploy_check` compares them).
VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
UNACKED_RESTORE_SECONDS = env_int("CELERY_UNACKED_RESTORE_SECONDS", 10, minimum=1)
if BROKER_KIND == "redis":
    # A broker outage must not hang a request: fail fast, the stale marks keep the work.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": VISIBILITY_TIMEOUT,
        # kombu sweeps only every 10th interval by default (100 s); every interval instead.
        "unacked_restore_interval": UNACKED_RESTORE_SECONDS,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 1,
    }
elif BROKER_KIND == "rabbitmq":
    # A publish returns once RabbitMQ has the message. A consumer's unacknowledged messages go
    # back to their queue the moment its connection closes, or when heartbeats stop (a host
    # lost): CELERY_BROKER_HEARTBEAT seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True, "max_retries": 1}
    CELERY_BROKER_HEARTBEAT = env_int("CELERY_BROKER_HEARTBEAT", 60, minimum=0)
    CELERY_BROKER_CONNECTION_TIMEOUT = 4
else:
    CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
    CELERY_QUEUE_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        # Broadcast/control messages (celery inspect, remote control) go here, not into cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)

# --- Celery: queues, routes, workers ------------------------------------------------------------
# Whoever sends a task routes it (web hosts, beat, workers), so every host reads this one table.
# Queue names per kind of work, renamable (e.g. to share a broker); docs/deploy.md has the layout.
TASK_QUEUES = {
    "scoring": env_str("SCORING_QUEUE", "scoring"),
    "email": env_str("EMAIL_QUEUE", "email"),
    "sweeps": env_str("SWEEPS_QUEUE", "sweeps"),
}
# The chain-head file is written on the host that runs write_ledger_head: its own queue name
# (default: the sweeps queue) lets one host take it.
TASK_QUEUES["ledger"] = env_str("LEDGER_QUEUE", TASK_QUEUES["sweeps"])
for _kind, _queue in TASK_QUEUES.items():
    if not _queue or any(c in _queue for c in ", "):
        raise ImproperlyConfigured(f"{_kind.upper()}_QUEUE={_queue!r} is not a queue name.")
TASK_KINDS = {
    "forecasts.tasks.update_track_records": "scoring",
    "forecasts.tasks.recompute_track_records": "scoring",
    "forecasts.tasks.send_review_reminders": "email",
    "forecasts.tasks.deliver_review_reminders": "email",
    "forecasts.tasks.mark_due_questions": "sweeps",
    "forecasts.tasks.refresh_stale_track_records": "sweeps",
    "forecasts.tasks.write_ledger_head": "ledger",
    # Writes the file /api/audit/dump/ serves: on the host with the storage, like the heads.
    "forecasts.tasks.publish_audit_dump": "ledger",
    "forecasts.tasks.purge_idempotency_keys": "sweeps",
}
CELERY_TASK_ROUTES = {task: {"queue": TASK_QUEUES[kind]} for task, kind in TASK_KINDS.items()}
# A task added without a route still runs: on the sweeps queue, which every layout consumes.
CELERY_TASK_DEFAULT_QUEUE = TASK_QUEUES["sweeps"]
# What this host's worker consumes (`-Q` on the command line wins) and how many processes it
# runs (unset: one per core). Celery's own CLI reads the same two variables.
WORKER_QUEUES = env_list("CELERY_WORKER_QUEUES", list(dict.fromkeys(TASK_QUEUES.values())))
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 0, minimum=0) or None
# Whether `celery beat` may start on this host: exactly one host in a deployment says true.
RUN_BEAT = env_bool("RUN_BEAT", True)
# Beat's cadence for the stale-record sweep, which also finishes the work of a lost worker.
STALE_SWEEP_SECONDS = env_int("STALE_SWEEP_SECONDS", 60, minimum=1)

CELERY_TASK_IGNORE_RESULT = True
# Celery 6 changes this default; keep today's behaviour, which the fault tests cover.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Acknowledge after the task, so a worker that dies mid-task leaves its message to be delivered
# again; every task is idempotent, so a second delivery costs only the work. A pool process that
# dies (OOM killer) has its message requeued at once. One message per process at a time, so a
# dead worker strands no more than it was running. docs/deploy.md: "When a worker host is lost".
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

# --- Email ------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Forecast Ledger <ledger@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Policy -----------------------------------------------------------------------------------
# Review workflow (reminder stages in days after a question falls due).
REVIEWS_REQUIRED = env_int("REVIEWS_REQUIRED", 1, minimum=1)
REMINDER_STAGE_DAYS = {"due": 0, "day3": 3, "day7": 7}
ESCALATION_AFTER_DAYS = env_int("ESCALATION_AFTER_DAYS", 14, minimum=1)
HEADS_UP_DAYS = env_int("HEADS_UP_DAYS", 7, minimum=1)
DUE_SWEEP_MINUTES = env_int("DUE_SWEEP_MINUTES", 15, minimum=1)
REMINDER_PASS_MINUTES = env_int("REMINDER_PASS_MINUTES", 60, minimum=1)
# Items a digest lists per section, most urgent first; the rest are counted and linked to the
# review queue. Mail clients clip long messages (Gmail past ~100 KB), and with them the footer.
DIGEST_MAX_ITEMS = env_int("DIGEST_MAX_ITEMS", 50, minimum=1)
# Recipients one reminder task delivers to; a pass with more hands the rest to
# deliver_review_reminders tasks, a chunk each, so several email workers share it.
REMINDER_DELIVERY_CHUNK = env_int("REMINDER_DELIVERY_CHUNK", 100, minimum=1)
# Leaderboard ranking (docs/scoring.md): shrinkage toward a coin-flipper.
RANKING_MU0 = 0.25
RANKING_K = 10
RANKING_MIN_RESOLVED = env_int("RANKING_MIN_RESOLVED", 5, minimum=1)
SCORING_VERSION = "scoring-v1"
# How often each process re-reads the leaderboard's data fingerprint (cached pages key on it).
LEADERBOARD_VERSION_RECHECK_SECONDS = env_int("LEADERBOARD_VERSION_RECHECK_SECONDS", 1, minimum=0)
# The ledger's chain head, appended daily, for timestamping by an outside service.
LEDGER_HEAD_FILE = env_str("LEDGER_HEAD_FILE", str(VAR_DIR / "ledger" / "heads.txt"))
EXTRACTION_DEFAULT_HORIZON_DAYS = env_int("EXTRACTION_DEFAULT_HORIZON_DAYS", 365, minimum=1)

# --- Auth, API --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

API_THROTTLE_ANON = env_rate("API_THROTTLE_ANON", "120/min")
API_THROTTLE_USER = env_rate("API_THROTTLE_USER", "600/min")
# How long a create's Idempotency-Key is remembered; purge_idempotency_keys drops older ones.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class, so a missing or
    # bad token is a 401 that says `Token` (session auth has no header, which made it a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only (nested too deeply: a 400, not a 500); the extract endpoints, which take an
    # uploaded file, add multipart themselves. Form bodies repeated list fields (issue 19).
    "DEFAULT_PARSER_CLASSES": ["forecasts.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "forecasts.api.search.LedgerSearchFilter",
        "forecasts.api.filters.CheckedOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "forecasts.api.pagination.LedgerPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "forecasts.api.schema.LedgerAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON, "user": API_THROTTLE_USER},
    "EXCEPTION_HANDLER": "forecasts.api.errors.json_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",  # what the API takes
}
API_DESCRIPTION = (
    "Pundits' predictions, their outcomes and every expert's track record.\n\n"
    "Versioning: this is v1, served at /api/. Additions (a new field, operation, optional "
    "parameter or enum value) ship in place. A breaking change (a field removed or retyped, a "
    "status changed) ships as /api/v2/ beside /api/, which keeps answering as v1 for at least "
    "six months after v2 is announced in the changelog.\n\n"
    "Authentication: `Authorization: Token <key>`. Reads are open to everyone; a missing or "
    "bad token where one is needed (or any bad token) is a 401 with `WWW-Authenticate: Token`; "
    '"Editors only (403 otherwise)" means a logged-in user without the role gets a 403.\n\n'
    "Retries: every create takes an `Idempotency-Key` header (kept "
    "IDEMPOTENCY_KEY_HOURS, 24 h by default): the same key with the same body answers the "
    "first response again; with a different body, 422."
)
SPECTACULAR_SETTINGS = {
    "TITLE": "Forecast Ledger API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # 3.1: a nullable field is `type: [x, "null"]` or `oneOf: [{$ref}, {type: "null"}]`, which
    # strict validators accept (3.0's `allOf` + `nullable` they reject).
    "OAS_VERSION": "3.1.0",
    # Request bodies get their own components: read-only fields are never required in them.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "QuestionStatus": "forecasts.models.Question.Status",
        "Outcome": "forecasts.models.Question.Outcome",
        "SourceKind": "forecasts.models.Source.Kind",
        "PredictionBasis": "forecasts.models.Prediction.Basis",
        "TrackRecordScope": "forecasts.api.filters.RECORD_SCOPES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "forecasts.api.schema_hooks.tidy_for_clients",
    ],
}

# --- Internationalisation, static -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates shown as text read as on the public pages ("5 Dec 2026"): config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Files the service writes for download (the audit dump, docs/audit.md); never user uploads.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security: safe defaults whenever DEBUG is off ----------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/"]

# Content-Security-Policy (django-csp): only our own scripts, styles and images. Pages carry no
# inline <script>, <style> or style="" (tests/security/test_security_csp_browser.py loads them
# in Chromium).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    },
}

# Login rate limiting (django-axes) on every login that comes with a request: the admin's, and
# any other view that calls authenticate(request, ...). A client address is locked out after
# AXES_FAILURE_LIMIT failures within AXES_COOLOFF_MINUTES, whatever usernames it tried, for
# AXES_COOLOFF_MINUTES; the answer is a 429 page. `manage.py axes_reset_ip ADDRESS` lifts a lock.
# A success does not reset the count: with one real account, an attacker could otherwise
# interleave logins to keep guessing another account's password.
AUTHENTICATION_BACKENDS = [
    "config.login_limits.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_LOCKOUT_CALLABLE = "config.login_limits.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.login_limits.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: trust no header,
# the client is REMOTE_ADDR. Login limits and API throttles both count per client address, so a
# forged X-Forwarded-For must not give an attacker a fresh address per request.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
