# Two commands on a fresh machine with Python 3.11 and pip:
#   make demo   analyse the bundled example article with the bundled default model
#   make test   run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP_BASE := $(VENV)/.installed-base
STAMP_TEST := $(VENV)/.installed-test

.PHONY: demo test install train benchmark clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP_BASE): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test,train]'
	touch $(STAMP_BASE) $@

install: $(STAMP_BASE)

demo: $(STAMP_BASE)
	$(VENV)/bin/newscred analyze examples/wire-story.txt
	$(VENV)/bin/newscred analyze examples/viral-post.txt
	$(VENV)/bin/newscred analyze examples/short-claim.txt

test: $(STAMP_TEST)
	$(PY) -m pytest

# Rebuild the bundled default model from ../shared/data (about 3 minutes on 2 cores).
train: $(STAMP_TEST)
	$(VENV)/bin/newscred train --recipe default -o src/newscred/models/default

# Regenerate docs/benchmarks.md (quality and speed).
benchmark: $(STAMP_TEST)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
