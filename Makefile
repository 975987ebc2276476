# spotcheck — two commands: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Local defaults; production sets these in the environment (see .env.example).
export DEBUG ?= 1
export SECRET_KEY ?= dev-only-insecure-key-change-me
PYTEST_ARGS ?=
# Other days the whole suite must pass on (make test-dates): a Saturday in July of another year,
# New Year's Eve (windows and deadlines cross into a year nobody has entered holidays for), and
# the last day of February in a common year. CI runs them all besides today.
SHIFTED_DAYS ?= 2027-07-17 2029-12-31 2031-02-28

.PHONY: venv run test test-dates lint fmt migrate demo messages browsers clean bench bench-load bench-scale bench-directory

venv: $(STAMP)

$(STAMP): pyproject.toml src/spotcheck/engine/_accel.c
	@command -v $(PY) >/dev/null || PY=python3; test -x $(BIN)/python || $${PY:-python3} -m venv $(VENV) || python3 -m venv $(VENV)
	bash scripts/ensure-build-deps.sh
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: venv
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py compilemessages -v 0 --ignore '.venv/*' 2>/dev/null || true

demo: migrate
	$(BIN)/python manage.py load_demo --no-logins

# Serves the app and the job worker; Ctrl-C stops both (the worker gets 5 s to finish a job).
run: demo
	$(BIN)/python manage.py collectstatic --no-input -v 0
	@# The audit checkpoint key (var/, mode 0600, never committed); the worker signs hourly.
	$(BIN)/python manage.py audit_keygen --if-missing
	$(BIN)/python manage.py audit_checkpoint
	@$(BIN)/python manage.py qcluster >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; for i in 1 2 3 4 5; do kill -0 $$worker 2>/dev/null || break; sleep 1; done; pkill -KILL -P $$worker 2>/dev/null; kill -KILL $$worker 2>/dev/null; true' EXIT INT TERM; \
	echo ""; \
	echo "  spotcheck is running at http://$(HOST):$(PORT)/   (job worker log: var/worker.log)"; \
	echo "  public portal (no login): http://$(HOST):$(PORT)/public/   open data: /public/data/   API docs: /api/docs/"; \
	echo ""; \
	$(BIN)/python manage.py demo_logins; \
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

browsers:
	bash scripts/ensure-chromium.sh

test: venv browsers
	DEBUG=0 SECRET_KEY=test-only JOBS_SYNC=1 AXES_ENABLED=1 \
	  $(BIN)/python -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)
	@# The engine must give the same results without its optional C accelerator.
	DEBUG=0 SECRET_KEY=test-only SPOTCHECK_ENGINE_ACCEL=0 \
	  $(BIN)/python -m pytest -q -n 2 tests/engine $(PYTEST_ARGS)

# The suite with the whole process clock (Python, SQLite, child processes, Chromium) moved to
# each of SHIFTED_DAYS by libfaketime; see scripts/shifted-clock.sh.
test-dates: venv browsers
	@for day in $(SHIFTED_DAYS); do \
	  echo "== the test suite on $$day =="; \
	  DEBUG=0 SECRET_KEY=test-only JOBS_SYNC=1 AXES_ENABLED=1 bash scripts/shifted-clock.sh $$day \
	    $(BIN)/python -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS) || exit 1; \
	done

lint: venv
	mkdir -p var
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run -v 1

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: venv
	cd src/spotcheck && ../../$(BIN)/django-admin makemessages -l en --ignore '*/migrations/*' --ignore 'templates/admin/*'
	cd src/spotcheck && ../../$(BIN)/django-admin compilemessages

bench: venv
	$(BIN)/python benchmarks/import_targets.py
	$(BIN)/python benchmarks/draw.py

# A whole draw through the application over 10^6 targets on PostgreSQL (127.0.0.1:5432),
# each step a separate process: wall time and peak memory (issue 16).
bench-scale: venv
	$(BIN)/python benchmarks/draw_app.py $(BENCH_ARGS)

# The staff target list with filters and text search over 10^6 targets on PostgreSQL
# (127.0.0.1:5432): p50/p95 per scenario, LIKE alone and with the grams index (issue 16).
bench-directory: venv
	$(BIN)/python benchmarks/directory_list.py $(BENCH_ARGS)

# Public search under load: gunicorn + PostgreSQL (127.0.0.1:5432), 100k records, wrk, 20 clients.
bench-load: venv
	scripts/ensure-wrk.sh
	$(BIN)/python benchmarks/public_search_load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
