#!/usr/bin/env bash
# The tests check every exposition and rule file with promtool, run a real Prometheus server
# (Debian's prometheus package) and check config/alertmanager.yml with amtool and a real
# Alertmanager (prometheus-alertmanager). Install them when missing and we may; otherwise say how,
# and let the tests that need them fail with that message.
set -u
want=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || want+=(prometheus)
command -v amtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1 || want+=(prometheus-alertmanager)
[ ${#want[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "drwatch: ${want[*]} missing and cannot be installed without root: sudo apt-get install ${want[*]}" >&2
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "drwatch: installing ${want[*]} (Debian) for the exposition, rule and Alertmanager checks" >&2
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
    || echo "drwatch: apt-get install ${want[*]} failed; install them by hand" >&2
else
  echo "drwatch: no apt-get here; install promtool/prometheus 2.x and amtool/alertmanager by hand" >&2
fi
exit 0
