#!/usr/bin/env bash
# Start the test AWS emulator (moto + lifecycle hooks) and a fault proxy in front of it,
# in the background, on free 127.0.0.1 ports.
#
#   scripts/testenv/start.sh ENV_FILE      # writes `export RANCHHAND_TEST_...=` lines
#   . ENV_FILE && swift test ...
#   scripts/testenv/stop.sh ENV_FILE
#
# ENV_FILE gets RANCHHAND_TEST_MOTO_URL, RANCHHAND_TEST_FAULT_PROXY_URL,
# RANCHHAND_TEST_PROMETHEUS_URL (a real Prometheus backfilled from the NASA trace) and their
# RANCHHAND_TEST_*_PID. Output of the two servers goes
# to ENV_FILE.moto.log / ENV_FILE.proxy.log. Optional environment: PYTHON (default
# python3), RANCHHAND_TESTENV_MOTO_ARGS (e.g. --check-signatures),
# RANCHHAND_TESTENV_PROXY_ARGS (e.g. "--seed 1"), RANCHHAND_TESTENV_READY_TIMEOUT (s, 60).
set -eu

if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: $0 ENV_FILE" >&2
  exit 2
fi
env_file=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
timeout_s=${RANCHHAND_TESTENV_READY_TIMEOUT:-60}
mkdir -p "$(dirname "$env_file")"

if ! "$py" -c 'import moto' >/dev/null 2>&1; then
  echo "start.sh: moto missing; installing moto[server]==5.2.1" >&2
  "$py" -m pip install 'moto[server]==5.2.1' >&2
fi

moto_pid=
proxy_pid=
prometheus_pid=
cleanup_on_error() {
  for pid in $prometheus_pid $proxy_pid $moto_pid; do kill -TERM "$pid" 2>/dev/null || true; done
}
trap cleanup_on_error EXIT

# launch OUT LOG SCRIPT ARGS...: start in the background (own session when setsid exists,
# so the caller's process-group signals do not reach it), wait for its READY line.
# Sets LAUNCH_PID and LAUNCH_URL.
launch() {
  out=$1 log=$2
  shift 2
  : >"$out"
  if command -v setsid >/dev/null 2>&1; then
    setsid "$py" "$@" </dev/null >"$out" 2>"$log" &
  else
    nohup "$py" "$@" </dev/null >"$out" 2>"$log" &
  fi
  LAUNCH_PID=$!
  ticks=$((timeout_s * 10))
  while [ "$ticks" -gt 0 ]; do
    line=$(head -n 1 "$out" 2>/dev/null || true)
    case $line in
      "READY http://127.0.0.1:"*)
        LAUNCH_URL=${line#READY }
        return 0
        ;;
    esac
    if ! kill -0 "$LAUNCH_PID" 2>/dev/null; then
      echo "start.sh: $1 exited before READY; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
    ticks=$((ticks - 1))
  done
  echo "start.sh: $1 not READY after ${timeout_s}s; its log:" >&2
  cat "$log" >&2
  kill -TERM "$LAUNCH_PID" 2>/dev/null || true
  return 1
}

# shellcheck disable=SC2086  # the *_ARGS variables are word lists on purpose
launch "$env_file.moto.out" "$env_file.moto.log" "$here/moto_launcher.py" --port 0 \
  ${RANCHHAND_TESTENV_MOTO_ARGS:-}
moto_pid=$LAUNCH_PID
moto_url=$LAUNCH_URL

# shellcheck disable=SC2086
launch "$env_file.proxy.out" "$env_file.proxy.log" "$here/fault_proxy.py" --port 0 \
  --upstream "$moto_url" ${RANCHHAND_TESTENV_PROXY_ARGS:-}
proxy_pid=$LAUNCH_PID
proxy_url=$LAUNCH_URL

# A real Prometheus backfilled from the bundled NASA trace (the capacity tool's datastore tests).
launch "$env_file.prometheus.out" "$env_file.prometheus.log" "$here/prometheus_launcher.py" --port 0
prometheus_pid=$LAUNCH_PID
prometheus_url=$LAUNCH_URL

cat >"$env_file.tmp" <<ENV
export RANCHHAND_TEST_MOTO_URL=$moto_url
export RANCHHAND_TEST_FAULT_PROXY_URL=$proxy_url
export RANCHHAND_TEST_PROMETHEUS_URL=$prometheus_url
export RANCHHAND_TEST_MOTO_PID=$moto_pid
export RANCHHAND_TEST_FAULT_PROXY_PID=$proxy_pid
export RANCHHAND_TEST_PROMETHEUS_PID=$prometheus_pid
ENV
mv "$env_file.tmp" "$env_file"
trap - EXIT
echo "start.sh: moto $moto_url (pid $moto_pid), fault proxy $proxy_url (pid $proxy_pid), prometheus $prometheus_url (pid $prometheus_pid)" >&2
