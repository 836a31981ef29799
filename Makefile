# The two commands of README.md: `make serve` (install, demo library, run) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/library init
	$(BIN)/library demo --if-empty
	$(BIN)/library serve

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check library tests scripts

bench: $(STAMP)
	$(BIN)/python scripts/bench_api.py

clean:
	rm -rf $(VENV) library.db library.db-wal library.db-shm
