#!/usr/bin/env bash
# Stop what start.sh started: scripts/testenv/stop.sh ENV_FILE
# Sends SIGTERM to the recorded PIDs (only if they still run our scripts), waits up to
# 10 s, then SIGKILL; removes ENV_FILE so no stale URL is read later. Logs are kept.
set -eu

if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: $0 ENV_FILE" >&2
  exit 2
fi
env_file=$1
if [ ! -f "$env_file" ]; then
  echo "stop.sh: $env_file not found; nothing to stop" >&2
  exit 0
fi
RANCHHAND_TEST_MOTO_PID=
RANCHHAND_TEST_FAULT_PROXY_PID=
RANCHHAND_TEST_PROMETHEUS_PID=
# shellcheck disable=SC1090
. "$env_file"

stop_one() {
  pid=$1 script=$2
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$script"; then
    echo "stop.sh: pid $pid no longer runs $script; not touching it" >&2
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || return 0
  ticks=100
  while [ "$ticks" -gt 0 ]; do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
    ticks=$((ticks - 1))
  done
  echo "stop.sh: $script (pid $pid) ignored SIGTERM; killing" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

stop_one "$RANCHHAND_TEST_PROMETHEUS_PID" prometheus_launcher.py
stop_one "$RANCHHAND_TEST_FAULT_PROXY_PID" fault_proxy.py
stop_one "$RANCHHAND_TEST_MOTO_PID" moto_launcher.py
rm -f "$env_file"
