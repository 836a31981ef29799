#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, then every test on SQLite and again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

bash scripts/ensure-postgres.sh
bash scripts/ensure-browser.sh
command -v msgfmt >/dev/null || {  # GNU gettext: the catalog tests compare against msgfmt
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
$BIN/ruff check library tests scripts
$BIN/library catalogs check
echo "== tests on SQLite" >&2
$BIN/pytest --db=sqlite "$@"
echo "== tests on PostgreSQL" >&2
$BIN/pytest --db=postgres "$@"
