# Two commands on a fresh machine with Python 3.11 and pip:
#   make demo   analyse the bundled example article with the bundled default model
#   make test   run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP_BASE := $(VENV)/.installed-base
STAMP_TEST := $(VENV)/.installed-test
STAMP_NEURAL := $(VENV)/.installed-neural
# torch's CPU build (the wheel this project's machines keep on disk); a bare "torch" would pull a CUDA build
TORCH  ?= torch==2.13.0

.PHONY: demo test install install-neural train benchmark clean

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

# Optional: torch and transformers for the transformer sentence model and its tests (which skip
# without them).  .ci/run installs them; about 1 GB in the venv.
install-neural: $(STAMP_NEURAL)

$(STAMP_NEURAL): pyproject.toml $(STAMP_TEST)
	$(PIP) install --quiet '$(TORCH)'
	$(PIP) install --quiet -e '.[test,train,neural]'
	touch $@

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
