#!/usr/bin/env bash
# Installs the Debian packages some tests drive for real, when a command is missing and we may.
# Usage: ensure-packages.sh "what they are for" command=package ...
# Without root or apt-get it says how to install them and exits 0: the tests that need a missing
# command then report themselves skipped or failed with the same advice.
set -u
purpose=$1
shift
want=()
for pair in "$@"; do
  cmd=${pair%%=*}
  pkg=${pair#*=}
  if ! command -v "$cmd" >/dev/null 2>&1 && [[ " ${want[*]-} " != *" $pkg "* ]]; then
    want+=("$pkg")
  fi
done
[ ${#want[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "drwatch: ${want[*]} missing and cannot be installed without root: sudo apt-get install ${want[*]}" >&2
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "drwatch: installing ${want[*]} (Debian) for $purpose" >&2
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
    || echo "drwatch: apt-get install ${want[*]} failed; install them by hand" >&2
else
  echo "drwatch: no apt-get here; install ${want[*]} (Debian package names) by hand" >&2
fi
exit 0
