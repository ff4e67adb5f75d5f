#!/usr/bin/env bash
# The tests check every exposition with promtool (Debian's prometheus package). Install it when
# missing and we may; otherwise say how, and let the tests that need it fail with that message.
set -u
command -v promtool >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "drwatch: promtool is missing and cannot be installed without root: sudo apt-get install prometheus" >&2
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "drwatch: installing promtool (Debian package prometheus) for the exposition checks" >&2
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 \
    || echo "drwatch: apt-get install prometheus failed; install promtool by hand" >&2
else
  echo "drwatch: no apt-get here; install promtool (Prometheus 2.x) by hand" >&2
fi
exit 0
