VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run serve test lint format migrate bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	mkdir -p var/staticfiles
	touch $(STAMP)

install: $(STAMP)
	@$(PY) -m mi_coding.secret_key

migrate: install
	@mkdir -p var/staticfiles
	$(PY) manage.py migrate --no-input

run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

# The production stack from the environment's settings: gunicorn workers, the task worker when
# CELERY_BROKER_URL is set, static files collected for WhiteNoise (deploy/serve.py).
serve: install
	$(PY) deploy/serve.py

# The browser's pure modules (static/js/lib/) under Node's own test runner, then the suite.
test: install
	node --test tests/js/*.test.mjs
	$(PY) -m pytest

lint: install
	@mkdir -p var/staticfiles
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
