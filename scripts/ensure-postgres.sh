#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth and a `test` database.
# Starts the Debian cluster when it is stopped, installs it from Debian's packages when absent,
# and fails loudly (never skips) when none can be reached.
set -euo pipefail
HOST=127.0.0.1 PORT=5432

ready() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_isready >/dev/null || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "PostgreSQL is not installed: installing it from Debian's packages" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! ready; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf=/etc/postgresql/$version/main
  # Trust auth on loopback, as the test suite expects (a throw-away local server).
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
  fi
  echo "starting PostgreSQL $version" >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 30); do ready && break; sleep 1; done
fi
ready || { echo "error: no PostgreSQL server answers on $HOST:$PORT" >&2; exit 1; }
if ! psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1; then
  psql -h "$HOST" -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE test"
fi
psql -h "$HOST" -p "$PORT" -U postgres -d test -tAc "SELECT 1" >/dev/null \
  || { echo "error: cannot log in to PostgreSQL on $HOST:$PORT as postgres (trust auth expected)" >&2; exit 1; }
echo "PostgreSQL ready on $HOST:$PORT" >&2
