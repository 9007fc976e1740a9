# eOffice: `make demo` serves a demo province; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
XDIST ?= -n auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-sqlite test-postgres lint typecheck install install-dev messages bench-quick clean

$(BIN)/python:
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
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv 2>/dev/null || true
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py demo_province --if-absent
	$(BIN)/python manage.py demo_serve

test: install-dev
	$(MAKE) test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) test-postgres; else echo "DATABASE_URL not set: PostgreSQL run skipped (CI always sets it)."; fi

test-sqlite:
	env -u DATABASE_URL $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-postgres:
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench-quick: install-dev
	$(BIN)/python bench/directory_import.py --quick

clean:
	rm -rf $(VENV) var/test-artifacts .pytest_cache .mypy_cache .ruff_cache
