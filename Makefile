# The two commands of README.md: `make serve` (install, demo library, run) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test install lint bench clean lock

LOCK   := requirements.lock

# Every dependency, runtime and test tools, comes from the lock file: exact versions, checked against
# their hashes, nothing resolved at install time. The project itself is installed without build
# isolation so its build backend (setuptools) is the locked one too.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
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

# Upgrade every locked dependency to its newest release: a deliberate commit, made after `make test`.
# `make lock UPGRADE=` locks a dependency just added to pyproject.toml and keeps every other pin.
UPGRADE ?= --upgrade
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools==7.6.2
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null .venv-lock/bin/pip-compile --quiet $(UPGRADE) \
	  --extra test --all-build-deps --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .venv-lock library.db library.db-wal library.db-shm
