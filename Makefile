# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test test-fast test-embedded bench evaluate-extraction lint format check security \
	deploy-check venv venv-dev lock lock-upgrade clean

# Installs read only the locks, requirements.txt and requirements-dev.txt: every package, direct
# or not, pinned with its hashes, so any pip (the one `python3 -m venv` ships included) installs
# the set CI tested. No unpinned `pip install --upgrade pip` first: the dev lock pins pip too.
# --no-deps: the lock already is the resolution (tests/project/test_install_lock.py checks it is
# closed), so pip resolves nothing. pip 23.2.1 resolved justext's `lxml[html_clean]` apart from
# the `lxml==6.2.0` pin and, once lxml 6.2.1 was published, refused the lock as unpinned.
# `pip check` then fails the install if a pinned package's requirement is missing.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.txt
	$(BIN)/pip check
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements-dev.txt
	$(BIN)/pip check
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# Regenerate both locks from requirements*.in with uv (pinned in the dev lock), keeping every
# existing pin that still fits: edit a .in file, `make lock`, commit the .in and .txt files.
# One lock for every platform and Python 3.11+ (--universal): markers say where a pin applies.
# `make lock-upgrade PACKAGE=name` (or "a b") moves those packages, transitive ones included,
# to their newest versions that fit; a top-level pin moves only by editing its .in line.
LOCK = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"
lock: venv-dev
	$(LOCK) $(UPGRADE) requirements.in -o requirements.txt
	$(LOCK) $(UPGRADE) requirements-dev.in -o requirements-dev.txt

lock-upgrade:
	@test -n "$(PACKAGE)" || { echo "usage: make lock-upgrade PACKAGE=name" >&2; exit 2; }
	$(MAKE) lock UPGRADE="$(foreach p,$(PACKAGE),--upgrade-package $(p))"

# Web + Celery worker + Celery beat in the foreground; Ctrl-C stops all three. The one worker
# consumes every queue (CELERY_WORKER_QUEUES unset), with two processes unless told otherwise.
run: venv
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_seeds
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py export_audit --publish
	SITE_URL=http://127.0.0.1:$(PORT) WEB_PORT=$(PORT) \
	  CELERY_WORKER_CONCURRENCY=$${CELERY_WORKER_CONCURRENCY:-2} $(BIN)/honcho -f Procfile start

# axe-core for the accessibility check (package-lock.json pins it), where npm exists; without
# it those tests skip saying so (in CI they fail).
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

test: venv-dev $(if $(NPM),node_modules/.package-lock.json)
	$(BIN)/python -m pytest

# CI's second pass: the embedded defaults `make run` uses (SQLite, no Redis), two processes.
# Tests that need PostgreSQL, Redis or RabbitMQ skip here; `make test` ran them.
test-embedded: venv-dev $(if $(NPM),node_modules/.package-lock.json)
	env -u DATABASE_URL -u REDIS_URL CI_EMBEDDED_RUN=true $(BIN)/python -m pytest -n 2

# The inner loop: everything but the slow tests (real processes, a browser, API fuzzing, the
# small benchmark). `make test` still runs every test.
test-fast: venv-dev
	$(BIN)/python -m pytest -m "not slow"

# PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); the
# run drops and creates its own databases there (forecast_ledger_bench*, or
# BENCH_DATABASE_PREFIX*). BENCH_SCALE=small for a quick 1/100 check (tests/project/test_benchmarks.py).
BENCH_SCALE ?= full
bench: venv-dev
	$(BIN)/python -m benchmarks --scale $(BENCH_SCALE)

# The extraction assistant on real news: the Wikinews corpus in ../shared when present, and
# the Lee corpus of ABC stories, fetched from the package registry into var/lee (gensim's wheel
# carries it as test data; only the stories are kept, checked against a digest).
evaluate-extraction: venv-dev
	test -f var/lee/articles.jsonl || $(BIN)/python -m forecasts.extraction.lee_corpus
	$(BIN)/python -m forecasts.extraction.evaluate
	$(BIN)/python -m forecasts.extraction.agreement

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# High-severity bandit findings in our code, and known vulnerabilities in the runtime pins
# (pip-audit asks PyPI's vulnerability feed; --strict: a package it could not check fails too).
security: venv-dev
	$(BIN)/bandit -q -r config forecasts -lll
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt

# On a host after configuring it: its worker's queues, every task's route, whether beat runs
# here, and whether SITE_URL, SMTP, the broker and the database are set and answer.
deploy-check: venv
	$(BIN)/python manage.py deploy_check

format: venv-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/celery var/mail var/*.sqlite3*
