#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (a test tool's own browser download cannot work here)
# and inject axe-core from the npm registry. Installs whichever is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "installing Debian's chromium and chromium-driver" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null || { as_root apt-get update -qq; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  npm ci --no-audit --no-fund --silent
fi
/usr/bin/chromium --version >&2
