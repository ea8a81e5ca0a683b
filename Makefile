# Two commands for a fresh machine with Python 3.11 and make:
#   make run   set up, migrate, add the demo practice if the database is empty, serve :5000
#              with the outbox worker (messages readable at /dev/mail)
#   make test  install test tools, lint, run the whole test suite

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint format bench clean

# The site and the outbox worker together; one Ctrl+C stops both. Without MAIL_SERVER the
# messages go to the development mailbox, read at /dev/mail.
PORT ?= 5000

run: $(VENV)/.runtime-installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@printf "\nServing http://127.0.0.1:$(PORT) (Ctrl+C to stop)\n"
	@printf "Messages sent (emails, invites, texts): http://127.0.0.1:$(PORT)/dev/mail\n\n"
	@$(FLASK) outbox run --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev-installed lint
	$(BIN)/pytest

# Speed figures as ratios against a reference measured in the same run (not part of `test`).
# PostgreSQL at BENCH_DATABASE_URL (default: the local server), else SQLite; wrk for pages.
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/availability.py
	$(BIN)/python bench/pages.py
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/booking_bench_outbox} $(BIN)/python bench/outbox.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $(PYTHON))."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
		{ echo "Python's venv module is missing. On Debian or Ubuntu: apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
