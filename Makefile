# The two-command quick start is `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Find a Python 3.12+ by running each candidate (pyenv shims exist but may not run).
PYTHON_CANDIDATES := python3.13 python3.12 $(sort $(wildcard /root/.pyenv/versions/3.1[2-9]*/bin/python3)) python3
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-dev system-deps messages run test test-faults lint lock format

help:
	@echo "make run    - install, migrate, load demo data, serve on http://$(HOST):$(PORT) with the sweeps"
	@echo "make test   - install test tools and run the whole test suite"
	@echo "make lint   - ruff, the apps' layering (import-linter), types (mypy), makemigrations --check"
	@echo "make install - create $(VENV) with the pinned runtime packages"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is required (tried: $(PYTHON_CANDIDATES))." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Debian packages the tests need (Chromium, CJK fonts, poppler, gettext); no-op when present.
system-deps:
	@scripts/system-deps.sh

# Compiled catalogs are committed so that `make run` works without gettext; refresh when possible.
messages: install
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore=.venv -v0; fi

# Seeding and serving print the served address on QR codes and notices (scripts/public-base-url.sh).
run: export PUBLIC_BASE_URL := $(shell scripts/public-base-url.sh $(HOST):$(PORT))
run: install messages
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) train_classifier --if-none
	$(MANAGE) seed_demo --cases-at-least 300
	scripts/serve.sh $(HOST):$(PORT)

test: install-dev system-deps messages
	$(BIN)/pytest $(PYTEST_ARGS)

# Fault tests (tests/faults): kill a private Redis, SIGKILL a worker's pool process, restart
# PostgreSQL under a running gunicorn. They need DATABASE_URL (PostgreSQL) and REDIS_URL, and
# root for the restart; CI runs them after `make test`.
test-faults: install-dev messages
	FAULT_TESTS=1 $(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(MANAGE) makemigrations --check --dry-run -v0

# After changing pyproject.toml's dependencies: both lock files again, with hashes.
lock: install-dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes -o requirements-dev.lock

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: bench bench-lists bench-deadlines bench-reports bench-classifier bench-classifier-accuracy bench-similar
# Benchmarks (not tests): intake throughput vs a bare Django view, on gunicorn + PostgreSQL;
# then the staff lists at 100,000 cases (about 1 minute on a rerun, plus ~2 minutes of seeding
# the first time: the database liaison_bench_lists is kept between runs).
bench: install-dev messages
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/worklists.py
	$(BIN)/python bench/deadlines.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/similar.py

# The classifier: training on the corpora and on 10,000 decisions, messages per second.
bench-classifier: install-dev messages
	$(BIN)/python bench/classify.py

# The classifier's accuracy on held-out texts, with 0, 160 and 800 decisions (docs/classifier.md).
bench-classifier-accuracy: install-dev messages
	$(BIN)/python bench/classifier_accuracy.py

# The staff lists alone: workbench queues and filters, case page, desk, /rep/, /inbox/.
bench-lists: install-dev messages
	$(BIN)/python bench/worklists.py

# Dashboards, Excel export and the briefing at 1,000,000 cases (its own database, kept; the
# first run seeds for about 20 minutes).
bench-reports: install-dev messages
	$(BIN)/python bench/reports.py

# 相似意见 on the demo data (a throwaway SQLite database; 5–7 minutes, most of it seeding):
# precision and recall against the duplicates the demo planted, time per case.
bench-similar: install-dev messages
	$(BIN)/python bench/similar.py

# The deadline sweep over the same database: dry run and real sweep (rolled back), time and queries.
bench-deadlines: install-dev messages
	$(BIN)/python bench/deadlines.py
