# Motion Hall: `make run` serves the demo conference, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

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
	@echo
	$(MAKE) --no-print-directory serve

serve: install
	$(VENV)/bin/uvicorn conference.asgi:application --host $(HOST) --port $(PORT) \
		--ws wsproto --ws-per-message-deflate false --no-access-log

test: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
