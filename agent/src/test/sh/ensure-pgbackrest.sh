#!/usr/bin/env bash
# PgBackRestIT runs real pgBackRest (Debian's pgbackrest package). Install it when missing and we
# may; otherwise say how, and let that test class report itself skipped with the same advice.
set -u
command -v pgbackrest >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "drwatch: pgbackrest is missing and cannot be installed without root: sudo apt-get install pgbackrest" >&2
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "drwatch: installing pgbackrest (Debian package pgbackrest) for PgBackRestIT" >&2
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends pgbackrest >/dev/null 2>&1 \
    || echo "drwatch: apt-get install pgbackrest failed; install it by hand" >&2
else
  echo "drwatch: no apt-get here; install pgBackRest 2.x by hand" >&2
fi
exit 0
