#!/usr/bin/env bash
# Web server, Celery worker and beat in one terminal; Ctrl-C stops all three.
set -u
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
CELERY=${VENV:-.venv}/bin/celery
mkdir -p var/broker/out var/broker/control var/broker/processed

pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "已停止。"; }
trap stop INT TERM EXIT

"$CELERY" -A config worker --loglevel=INFO --concurrency=2 >var/celery-worker.log 2>&1 & pids+=($!)
"$CELERY" -A config beat --loglevel=INFO >var/celery-beat.log 2>&1 & pids+=($!)
"$PY" manage.py runserver 127.0.0.1:${PORT:-8000} & pids+=($!)

sleep 2
cat <<MSG

  童护 已启动：http://127.0.0.1:${PORT:-8000}/
  演示账号（密码 ${DEMO_PASSWORD:-tonghu-demo-2026}）：
    worker1 赤坎区社工 · worker2 雷州市社工 · lead 项目负责人 · supervisor 督导
    bureau 民政局 · county_bureau 遂溪县民政局 · admin 系统管理员
  Celery 日志：var/celery-worker.log、var/celery-beat.log
  按 Ctrl-C 同时停止网站、Celery worker 和 beat。

MSG
wait -n "${pids[@]}"
