# Two entry points (README "Quick start"): `make demo` and `make test`. Both build .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
HYPOTHESIS_PROFILE ?= dev
EXAMPLE ?= corpus/df501-apt-build-deps-env-var-three-runs/input.Dockerfile

.PHONY: demo test lint bench corpus-check

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# `dfix --diff` exits 1 when it has fixes to show: the point of the demo, so 1 passes (2 fails).
demo: $(VENV)/.installed
	@$(VENV)/bin/dfix --diff --unsafe-fixes $(EXAMPLE) || [ $$? -eq 1 ]
	$(VENV)/bin/python -c 'import fixer, sys; t = open(sys.argv[1], newline="").read(); assert fixer.parse(t).code == t; print("lossless:", sys.argv[1])' corpus/syntax-heredocs/input.Dockerfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check fixer tests bench
	$(VENV)/bin/ruff format --check fixer tests bench
	$(VENV)/bin/mypy

test: lint
	HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(VENV)/bin/pytest

# The bench extra (Trivy, for scanner_delta.py) on top of the test one; CI installs only the latter.
$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) bench/bench_parse.py
	$(PY) bench/bench_fix.py
	$(PY) bench/scanner_delta.py

corpus-check: $(VENV)/.installed
	$(PY) ../shared/tools/corpus_check.py
