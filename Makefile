# Motion Hall: `make run` serves the demo conference, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# The server's websocket frame limit: settings.MAX_CLIENT_MESSAGE_BYTES (tests/conference/test_deployment.py).
WS_MAX_SIZE := 2048

.PHONY: run test serve install clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Motion Hall needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo
	@echo "Motion Hall is serving the demo conference at http://$(HOST):$(PORT)/"
	@echo "  representatives: http://$(HOST):$(PORT)/c/england-2026/   (a code from the list above)"
	@echo "  chair console:   http://$(HOST):$(PORT)/c/england-2026/console/   (chair / demo-chair-2026)"
	@echo "  projector:       http://$(HOST):$(PORT)/c/england-2026/screen/"
	@echo "  public results:  http://$(HOST):$(PORT)/c/england-2026/results/"
	@echo "  policy book:     http://$(HOST):$(PORT)/policy/   (every decision, searchable: try ?q=seniority)"
	@echo
	$(MAKE) --no-print-directory serve

serve: install
	$(VENV)/bin/uvicorn conference.asgi:application --host $(HOST) --port $(PORT) \
		--ws wsproto --ws-per-message-deflate false --ws-max-size $(WS_MAX_SIZE) --no-access-log

# `make test`, in this order, stopping at the first that fails:
#   ruff check        lint (pyproject.toml [tool.ruff.lint]): pyflakes and pycodestyle errors, import
#                     order, bugbear's likely bugs, Django's model rules, timezone-aware datetimes,
#                     and no function more complex than 10 branches
#   ruff format       the code is laid out as `ruff format` writes it (run `ruff format .` to fix)
#   mypy              types, with django-stubs' plugin (pyproject.toml [tool.mypy])
#   manage.py check   Django's system checks
#   makemigrations    every model change has its migration
#   pytest            the tests (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
