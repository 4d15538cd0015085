# The two commands a new user needs:  `make run`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test migrate bench lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed ## install, apply migrations and serve on http://localhost:8000 (SQLite, in-memory channels)
	$(PY) -m app serve

test: lint ## install, then lint, check the format and run every test (mypy strict and the import contracts are tests)
	$(PY) -m pytest

migrate: $(VENV)/.installed
	$(PY) -m app migrate

lint: $(VENV)/.installed
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench
