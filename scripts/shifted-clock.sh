#!/usr/bin/env bash
# Run a command with the whole process clock moved to another day (libfaketime), e.g.
#   scripts/shifted-clock.sh 2031-02-28 .venv/bin/python -m pytest -q
#
# libfaketime is preloaded into the process and everything it starts (pytest's xdist workers,
# the live test server, Chromium, manage.py subprocesses): time(), gettimeofday() and
# clock_gettime(CLOCK_REALTIME) all answer from the given day, so datetime.now(),
# timezone.now(), model defaults and SQLite's CURRENT_TIMESTAMP move together. The clock
# starts at 10:00 Beijing time on that day and runs on. The PostgreSQL server keeps its own clock, which is why
# the application never lets the database decide a date (no now()/CURRENT_DATE defaults).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 YYYY-MM-DD command [args…]" >&2
  exit 2
fi
day=$1
shift
if ! [[ $day =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || ! date -u -d "$day" >/dev/null 2>&1; then
  echo "shifted-clock: '$day' is not a date (YYYY-MM-DD)" >&2
  exit 2
fi

lib=""
find_lib() {
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
    2>/dev/null | head -n 1 || true)
}
find_lib
if [ -z "$lib" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "shifted-clock: installing Debian's libfaketime…" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -qq libfaketime >/dev/null 2>&1 ||
      { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq libfaketime >/dev/null; }
    find_lib
  fi
fi
if [ -z "$lib" ]; then
  echo "shifted-clock: libfaketime is not installed (Debian/Ubuntu: apt-get install libfaketime)" >&2
  exit 1
fi

# One offset for every process of the run (a child started later sees a later time, as it
# would), chosen so that the run starts at 02:00 UTC = 10:00 Asia/Shanghai: a working hour, and
# hours away from midnight in both zones, so a long run never crosses into the next day.
# (The real "now": this script may itself run under a shifted clock.)
offset=$(( $(date -u -d "$day 02:00:00" +%s) - $(env -u LD_PRELOAD -u FAKETIME date -u +%s) ))
export FAKETIME="$( [ "$offset" -ge 0 ] && echo "+" )${offset}"
# Monotonic clocks get the same offset: durations are unchanged, and libfaketime 0.9.10 breaks
# absolute monotonic sleeps (EINVAL from time.sleep) when only the wall clock is moved.
unset FAKETIME_DONT_FAKE_MONOTONIC
export TZ=UTC
case ":${LD_PRELOAD:-}:" in *":$lib:"*) ;; *) export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" ;; esac
# Tells tests/test_clock.py which day the whole process must see.
export SPOTCHECK_SHIFTED_TODAY="$day"
echo "== clock moved to $day 10:00 Asia/Shanghai (offset ${FAKETIME}s): $(date -u "+%Y-%m-%d %H:%M UTC") ==" >&2
exec "$@"
