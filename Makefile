# eOffice: `make demo` serves a demo province; `make test` runs the whole suite.
#
#   make demo    .venv, install, migrate, build the demo province if absent, serve at http://127.0.0.1:8000
#   make test    install the dev tools, run every test on SQLite, then on PostgreSQL if DATABASE_URL is set
#   make lint    ruff, formatting, mypy, and no model change without its migration
#
# Everything runs from the project's own virtual environment; the only prerequisite is Python ≥ 3.11
# with venv (Debian: python3-venv). Set PYTHON=python3.12 (say) to pick another interpreter.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel workers for pytest-xdist; XDIST= runs in one process.
XDIST ?= -n auto --dist loadgroup
PYTEST_ARGS ?=
# The suite's own PostgreSQL database, never the live one that DATABASE_URL names
# (pytest-xdist adds _gw0, _gw1, … per worker).
EOFFICE_TEST_DB_NAME ?= test_eoffice_suite
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo serve test test-sqlite test-postgres lint install install-dev messages bench-quick clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "eOffice needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	@if [ -z "$$(find . -path ./.venv -prune -o -path ./var -prune -o -name '*.po' -print -quit)" ]; then :; \
	elif command -v msgfmt >/dev/null; then \
	  $(BIN)/python manage.py compilemessages -v0 --ignore=.venv --ignore=var; \
	else echo "gettext (msgfmt) is not installed: the English translation is not compiled; Vietnamese works."; fi
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo_province --if-absent
	$(BIN)/python manage.py oversight_demo --if-absent
	$(BIN)/python manage.py demo_serve --host $(HOST) --port $(PORT)

# Serve whatever the database holds, without building the demo.
serve: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo_serve --host $(HOST) --port $(PORT)

test: install-dev
	$(MAKE) test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then \
	  $(MAKE) test-postgres; \
	else echo "DATABASE_URL is not set: the PostgreSQL run is skipped (CI always sets it)."; fi

# pytest exits 5 when it collects nothing; make treats that as the failure it is.
test-sqlite: install-dev
	env -u DATABASE_URL -u EOFFICE_REDIS_URL $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: install-dev
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "test-postgres needs DATABASE_URL=postgres://…, got '$$DATABASE_URL'"; exit 2;; esac
	env -u EOFFICE_REDIS_URL EOFFICE_TEST_DB_NAME=$(EOFFICE_TEST_DB_NAME) $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run -v1

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --no-wrap
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

bench-quick: install-dev
	$(BIN)/python bench/directory_import.py --quick
	$(BIN)/python bench/incoming_register.py --quick
	$(BIN)/python bench/workbox.py --quick
	$(BIN)/python bench/signing.py --quick

clean:
	rm -rf $(VENV) var/test-artifacts .pytest_cache .mypy_cache .ruff_cache
