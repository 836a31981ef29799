#!/usr/bin/env bash
# The HTTP cache tests (tests/edge) start Debian's varnishd with the xkey module of varnish-modules
# in front of the app (issue 16). Installs them when missing; the Debian service is not left running
# (the tests start their own varnishd on a free port).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/sbin/varnishd ] || ! ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; then
  echo "installing Debian's varnish and varnish-modules" >&2
  as_root apt-get -o DPkg::Lock::Timeout=300 update -qq
  # policy-rc.d 101: do not start the packaged service on install
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    varnish varnish-modules >/dev/null
fi
/usr/sbin/varnishd -V 2>&1 | head -1 >&2
