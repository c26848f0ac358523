# The two commands of the README: `make demo` and `make test`.
# Python 3.11 or newer: python3.11 when present, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := cd site && ../$(PY) manage.py

.PHONY: demo test lint checks pytest messages clean

# (Re)install when the venv is missing or a dependency list changed.
$(STAMP): pyproject.toml site/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 ou plus récent est requis ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,postgres,redis,dsfr]" -e ./site
	touch $(STAMP)

demo: $(STAMP)
	./scripts/demo.sh

test: $(STAMP) lint checks pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

checks: $(STAMP)
	$(MANAGE) check --settings=demo.settings.test
	$(MANAGE) makemigrations --check --dry-run --settings=demo.settings.test

pytest: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Regenerate the translation catalogues (needs GNU gettext) after changing user-facing text.
messages: $(STAMP)
	cd wagtail_passfamille && ../$(PY) -m django makemessages --locale=en --no-obsolete --settings=demo.settings.test --pythonpath=../site
	cd wagtail_passfamille && ../$(PY) -m django compilemessages --settings=demo.settings.test --pythonpath=../site

clean:
	rm -rf $(VENV) build dist *.egg-info site/*.egg-info
