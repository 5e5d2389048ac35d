#!/usr/bin/env bash
# Web server, Celery worker and beat in one terminal; Ctrl-C (or closing the terminal, or SIGTERM)
# stops all three and leaves no process behind: each runs in a process group of its own, gets
# SIGTERM, and is killed when it has not stopped within STOP_TIMEOUT seconds (a Celery worker
# finishing a task waits for it; with late acks a killed task goes back to the queue).
# scripts/check-run-stops.sh tests this.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh
PY=${VENV:-.venv}/bin/python
CELERY=${VENV:-.venv}/bin/celery
SERVICES_STOP_TIMEOUT=${STOP_TIMEOUT:-15}
mkdir -p var/broker/out var/broker/control var/broker/processed

stopping=
# shellcheck disable=SC2317  # called from the traps
stop() {
  [[ -n $stopping ]] && return
  stopping=1
  trap '' INT TERM HUP
  echo
  echo "正在停止网站、Celery worker 和 beat……"
  services_stop
  echo "已停止。"
}
trap 'stop; exit 0' INT TERM HUP
trap stop EXIT

service_start worker var/celery-worker.log "$CELERY" -A config worker --loglevel=INFO --concurrency=2
service_start beat var/celery-beat.log "$CELERY" -A config beat --loglevel=INFO
service_start web - "$PY" manage.py runserver "127.0.0.1:${PORT:-8000}"

sleep 2
cat <<MSG

  童护 已启动：http://127.0.0.1:${PORT:-8000}/
  演示账号（密码 ${DEMO_PASSWORD:-tonghu-demo-2026}）：
    worker1 赤坎区社工 · worker2 雷州市社工 · lead 项目负责人 · supervisor 督导
    bureau 民政局 · county_bureau 遂溪县民政局 · admin 系统管理员
  Celery 日志：var/celery-worker.log、var/celery-beat.log
  按 Ctrl-C 同时停止网站、Celery worker 和 beat。

MSG
# Until one of them ends by itself (then the others are stopped too) or a signal arrives.
wait -n "${service_pids[@]}"
echo "一个服务已退出（见上方或 var/celery-*.log），正在停止其余服务。" >&2
exit 1
