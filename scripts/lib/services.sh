# shellcheck shell=bash
# Start long-running services and stop them all, none left behind. Sourced by scripts/run.sh
# (`make run`), scripts/smoke.sh and scripts/check-run-stops.sh.
#
# Each service runs in a session (and so a process group) of its own: a signal to the group
# reaches everything it spawned (Celery's pool processes, runserver's reloader child), and a
# Ctrl-C or hang-up of the terminal reaches only the calling script, which then stops the services
# in order. Every service also carries SERVICES_TOKEN in its environment, so a process that left
# its group is still found (services_survivors reads /proc).
#
# The caller may set SERVICES_STOP_TIMEOUT (seconds between SIGTERM and SIGKILL, default 10).

# Not exported: only the services carry it (an inherited one is dropped, it belongs to a parent).
unset SERVICES_TOKEN
SERVICES_TOKEN="tonghu-services-$$-$RANDOM$RANDOM"
service_pids=()
service_names=()

# service_start NAME LOG COMMAND...: run COMMAND in the background, output to LOG ("-": inherited).
# Without job control a background child is no group leader, so setsid makes it one without
# forking: its PID is its process group's ID.
service_start() {
  local name=$1 log=$2
  shift 2
  if [[ $log == - ]]; then
    SERVICES_TOKEN=$SERVICES_TOKEN setsid "$@" </dev/null &
  else
    SERVICES_TOKEN=$SERVICES_TOKEN setsid "$@" >"$log" 2>&1 </dev/null &
  fi
  service_pids+=("$!")
  service_names+=("$name")
}

# service_alive NAME: its main process runs (a dead one is a zombie until reaped: not alive).
service_alive() {
  local i state
  for i in "${!service_names[@]}"; do
    [[ ${service_names[$i]} == "$1" ]] || continue
    state=$(ps -o stat= -p "${service_pids[$i]}" 2>/dev/null) && [[ $state != Z* ]] && return 0
  done
  return 1
}

# processes_with NAME=VALUE: PIDs of live processes whose environment holds NAME=VALUE.
# Zombies have no readable environment and are not listed.
processes_with() {
  local file
  grep -lsaF -- "$1" /proc/[0-9]*/environ 2>/dev/null | while IFS= read -r file; do
    file=${file#/proc/}
    echo "${file%/environ}"
  done
  return 0
}

# services_survivors: PIDs of live processes started by service_start (or by what it started).
services_survivors() { processes_with "SERVICES_TOKEN=$SERVICES_TOKEN"; }

# services_describe PID...: one line per process that still exists.
services_describe() {
  local pid
  for pid in "$@"; do ps -o pid=,pgid=,etime=,args= -p "$pid" 2>/dev/null || true; done
}

# services_stop: SIGTERM to every service's process group, wait up to SERVICES_STOP_TIMEOUT, then
# SIGKILL whatever is left (naming it on stderr) and return 1. Returns 0 when all stopped in time.
services_stop() {
  local pid left deadline status=0
  ((${#service_pids[@]})) || return 0
  for pid in "${service_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + ${SERVICES_STOP_TIMEOUT:-10}))
  while left=$(services_survivors) && [[ -n $left ]] && ((SECONDS < deadline)); do sleep 0.2; done
  if [[ -n $left ]]; then
    echo "still running ${SERVICES_STOP_TIMEOUT:-10} s after SIGTERM, killed:" >&2
    # shellcheck disable=SC2086  # one PID per word
    services_describe $left >&2
    for pid in "${service_pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while [[ -n $(services_survivors) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    status=1
  fi
  wait "${service_pids[@]}" 2>/dev/null || true
  service_pids=()
  service_names=()
  return $status
}
