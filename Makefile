# publish: `make` sets everything up and builds every seeds/*.md into dist/; `make test` tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= dist
SEEDS  := $(wildcard seeds/*.md)
PUBLISH := $(BIN)/publish
STAMP  := $(VENV)/.installed
SYSDEPS := $(VENV)/.sysdeps

.PHONY: all build test lint clean pdf epub docx html setup bytecode check bench
all: build

setup: $(STAMP) $(SYSDEPS) bytecode

# The package's bytecode, as pip writes it when it installs a package: an editable install
# otherwise compiles every module it imports on each run wherever PYTHONDONTWRITEBYTECODE
# is set (0.1 s of every build's start-up, measured; docs/benchmarks.md). Quick when
# nothing changed.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q publish

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The venv is up to date when pyproject.toml has not changed since the install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

$(SYSDEPS): scripts/sysdeps.sh | $(BIN)/python
	sh scripts/sysdeps.sh
	touch $@

# publish decides what is out of date itself (hashes of everything that shapes an output,
# kept in $(OUT)/.publish-state.json): up-to-date files are not rewritten, so their times
# stay put. Builds into one folder take turns (a lock), so `make -j pdf epub` is safe.
# FLAGS: extra options, e.g. `make FLAGS=--force` or `make FLAGS=--dry-run`.
build: setup
	$(PUBLISH) build $(SEEDS) --out $(OUT) $(FLAGS)

pdf epub docx html: setup
	$(PUBLISH) build $(SEEDS) --out $(OUT) --formats $@ $(FLAGS)

# Validate what is in $(OUT): manifest hashes, download page links, EPUBCheck, PDF fonts
# of each edition's region, the same references in every format.
check: build
	$(BIN)/python -m publish.build.verify $(OUT)

# Our build against the by-hand pandoc + WeasyPrint route, CPU, load and peak memory per
# row; figures and methods in docs/benchmarks.md. BENCH: options, e.g. BENCH="--runs 5".
bench: setup
	$(BIN)/python scripts/bench.py $(BENCH)

test: setup
	$(BIN)/python -m pytest -q

# The unit tier: every test not marked slow (tests/conftest.py marks the end-to-end ones).
.PHONY: test-fast
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check publish tests scripts

clean:
	rm -rf $(OUT)

# The DOCX reference documents (publish/styles/reference-{SC,TC,HK}.docx), generated from pandoc's
# default; run after changing scripts/make_reference_docx.py or upgrading pandoc, and commit.
.PHONY: reference-docx
reference-docx: $(STAMP)
	$(BIN)/python scripts/make_reference_docx.py

# Rewrite the writers' golden files (tests/golden/) after an intended output change;
# review the diff like code, then commit.
.PHONY: golden
golden: setup
	PUBLISH_REGENERATE=1 $(BIN)/python -m pytest -q tests/test_golden.py
