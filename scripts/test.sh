#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint and catalog check, then every test on SQLite and on
# PostgreSQL. The two engines run side by side (each in its own databases and on its own ports),
# and their reports are printed one after the other.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
LOGS=artifacts/test-logs

bash scripts/ensure-postgres.sh
bash scripts/ensure-browser.sh
command -v ip >/dev/null || {  # iproute2: the app hosts of tests/web/test_hosts.py live in network namespaces
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null; }
bash scripts/ensure-varnish.sh || echo "Varnish could not be installed: tests/edge/test_varnish.py will skip" >&2
command -v msgfmt >/dev/null || {  # GNU gettext: the catalog tests compare against msgfmt
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
$BIN/ruff check library tests scripts
$BIN/library catalogs check

mkdir -p "$LOGS"
$BIN/pytest --db=sqlite -p no:cacheprovider "$@" >"$LOGS/sqlite.log" 2>&1 & sqlite=$!
$BIN/pytest --db=postgres -p no:cacheprovider "$@" >"$LOGS/postgres.log" 2>&1 & postgres=$!
status=0
wait "$sqlite" || status=1
echo "== tests on SQLite"; cat "$LOGS/sqlite.log"
wait "$postgres" || status=1
echo "== tests on PostgreSQL"; cat "$LOGS/postgres.log"
exit "$status"
