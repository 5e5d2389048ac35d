#!/usr/bin/env bash
# `make run` leaves no process behind. Starts scripts/run.sh as a terminal would (a session of its
# own), stops it the ways a terminal does, and fails if any process it started is still there:
#   1. the real web server, Celery worker and beat (SQLite, filesystem broker) stopped by Ctrl-C;
#   2. stand-ins that ignore SIGTERM, SIGINT and SIGHUP (as a Celery worker busy with a task
#      does) and have a child of their own, stopped by SIGTERM and by closing the terminal:
#      run.sh must kill them after its STOP_TIMEOUT.
# CI runs it (.ci/run); about 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

VENV=${VENV:-.venv}
WAIT=${CHECK_WAIT:-40}
work=$(mktemp -d "${TMPDIR:-/tmp}/tonghu-run-stops.XXXXXX")
# In the environment of run.sh and so of everything it starts: how survivors are found.
mark="TONGHU_RUN_STOP_CHECK=$$-$RANDOM$RANDOM"
run_pid=

cleanup() {
  local status=$? left
  left=$(processes_with "$mark")
  # shellcheck disable=SC2086
  [[ -n $left ]] && kill -KILL $left 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

fail() {
  printf '\nRUN-STOP CHECK FAILED: %s\n' "$*" >&2
  [[ -s $work/run.log ]] && { echo "---- run.sh output" >&2; tail -n 30 "$work/run.log" >&2; }
  exit 1
}

count() { processes_with "$mark" | wc -l; }

# start_run VENV STOP_TIMEOUT: run.sh in a session of its own, as from a terminal. A background job
# of a script starts with SIGINT and SIGQUIT ignored, and bash cannot trap a signal ignored at
# entry; a terminal's foreground job has them at their defaults, so restore those first.
start_run() {
  env "$mark" VENV="$1" STOP_TIMEOUT="$2" PORT="$port" "$python" -c '
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGQUIT, signal.SIG_DFL)
os.setsid()
os.execvp("bash", ["bash", "scripts/run.sh"])' >"$work/run.log" 2>&1 </dev/null &
  run_pid=$!
}

# stop_run SIGNAL LIMIT: signal run.sh's process group (what a terminal's Ctrl-C or hang-up does);
# everything it started must be gone within LIMIT seconds.
stop_run() {
  local signal=$1 limit=$2 deadline left
  kill -s "$signal" -- "-$run_pid"
  deadline=$((SECONDS + limit))
  while left=$(processes_with "$mark") && [[ -n $left ]] && ((SECONDS < deadline)); do sleep 0.2; done
  # shellcheck disable=SC2086
  [[ -z $left ]] || fail "after SIG$signal, still running ${limit} s later:
$(services_describe $left)"
  wait "$run_pid" 2>/dev/null || true
}

python=$VENV/bin/python
port=$("$python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")

echo "1. make run's services, stopped by Ctrl-C"
rm -f var/celery-worker.log var/celery-beat.log
start_run "$VENV" 10
deadline=$((SECONDS + WAIT))
until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" &&
  grep -qs " ready" var/celery-worker.log && grep -qs "beat: Starting" var/celery-beat.log; do
  ((SECONDS < deadline)) || fail "web server, worker and beat not all up within $WAIT s"
  sleep 0.5
done
echo "   up: $(count) processes"
stop_run INT 25
# An idle worker stops on SIGTERM in a few seconds, but on a loaded machine it may take longer
# than the 10 s given here; either way nothing may be left, which is what this checks.
if grep -q "still running" "$work/run.log"; then
  echo "   killed after 10 s:"
  sed -n '/still running/,/已停止/p' "$work/run.log" | sed '1d;$d;s/^/     /'
fi
curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" && fail "something still answers on port $port"

# Stand-ins for python and celery that ignore the polite signals; their child inherits that.
mkdir -p "$work/venv/bin"
cat >"$work/venv/bin/celery" <<'SH'
#!/usr/bin/env bash
trap '' TERM INT HUP
sleep 300 &
wait
SH
cp "$work/venv/bin/celery" "$work/venv/bin/python"
chmod +x "$work/venv/bin/celery" "$work/venv/bin/python"

for signal in TERM HUP; do
  echo "2. stand-ins that ignore signals, stopped by SIG$signal"
  start_run "$work/venv" 2
  deadline=$((SECONDS + 10))
  # run.sh, three stand-ins and their three children
  until (($(count) >= 7)); do ((SECONDS < deadline)) || fail "the stand-ins did not start"; sleep 0.2; done
  stop_run "$signal" 10
  grep -q "still running" "$work/run.log" || fail "run.sh did not report the services it had to kill"
done

echo "make run stops cleanly: nothing left running."
