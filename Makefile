# Koppel: `make demo` runs everything on SQLite; `make test` runs the suite on PostgreSQL, SQLite and Redis.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
RUN := $(UV) run --frozen

.PHONY: demo test bench loadtest fuzz mutate install install-dev services lint migrate clean

# Install uv with pip when it is missing, then the locked dependencies.
install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --no-dev

install-dev:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	npm ci --silent --no-audit --no-fund

# The demo runs in development mode (demo logins, the placeholder secret, /dev/mail for
# admins); without KOPPEL_ENV, Koppel runs as production.
demo migrate bench loadtest: export KOPPEL_ENV ?= development

migrate: install
	$(RUN) --no-dev koppel db upgrade

# `make demo PORT=8080` serves elsewhere; links in mails follow the port.
PORT ?= 8000
demo: export KOPPEL_BASE_URL ?= http://127.0.0.1:$(PORT)
demo: migrate
	$(RUN) --no-dev koppel demo load
	$(RUN) --no-dev koppel serve --port $(PORT)

# Start PostgreSQL and Redis when they are not answering; install Chromium for browser tests.
services:
	@bash scripts/ensure-services.sh

# National-scale matching figures (not part of `make test`); SCALE=0.1 for a quick run.
# `make bench WORKERS=2` also runs the full rematch in 2 shards on 2 worker processes; the
# bench uses 1 unless WORKERS is given (loadtest's default below is for its servers).
SCALE ?= 1.0
BENCH_WORKERS = $(if $(filter command line environment,$(origin WORKERS)),$(WORKERS),1)
bench: install-dev services
	$(RUN) python -m bench.run --scale $(SCALE) --workers $(BENCH_WORKERS)

# People against `koppel serve` on PostgreSQL (not part of `make test`); last line LOAD {json}.
USERS ?= 50
DURATION ?= 60
WAIT ?= 1
WORKERS ?= 2
loadtest: install-dev services
	$(RUN) python -m bench.loadtest --users $(USERS) --duration $(DURATION) --scale $(SCALE) \
		--wait $(WAIT) --workers $(WORKERS)

# Every API operation, every role, 25 generated requests each (`make test` runs a lighter pass).
fuzz: install-dev
	KOPPEL_FUZZ=full $(RUN) pytest -q tests/test_fuzz.py

# Mutation testing of the modules that carry promises (not part of `make test`); last line
# MUTATION {json}. Modules and tests: [tool.mutmut] in pyproject.toml.
mutate: install-dev services
	$(RUN) python scripts/mutate.py

# Two test processes (one per core); each file stays in one process, in order. The schemathesis
# pass runs on its own: its generated cases cannot be shared out between processes.
test: install-dev services
	$(RUN) ruff check .
	$(RUN) lint-imports
	$(RUN) pytest -n 2 --dist loadfile --durations=10 --ignore=tests/test_fuzz.py
	$(RUN) pytest -q tests/test_fuzz.py

lint: install-dev
	$(RUN) ruff check .

clean:
	rm -rf var .pytest_cache
