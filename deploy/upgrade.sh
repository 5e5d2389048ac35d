#!/usr/bin/env bash
# Upgrade 童护 on this host to a git tag or commit, as root:  bash deploy/upgrade.sh v1.4.0
# Stops the worker and beat (no task runs against a half-migrated database), keeps a dump of the
# database, installs the requirements, migrates, builds messages and static files, checks the
# deployment, restarts the services enabled on this host and waits for /healthz.
# Several hosts: docs/deployment.md, "Upgrading several machines" (TONGHU_MIGRATE=no on all but one).
set -euo pipefail
ref=${1:?usage: upgrade.sh TAG-OR-COMMIT}
APP_DIR=${TONGHU_APP_DIR:-/srv/tonghu/app}
BACKUP_DIR=${TONGHU_BACKUP_DIR:-/var/backups/tonghu}
MIGRATE=${TONGHU_MIGRATE:-yes}
cd "$APP_DIR"
as_tonghu() { runuser -u tonghu -- "$@"; }
manage() { /usr/local/bin/tonghu-manage "$@"; }
# shellcheck source=/dev/null
env_value() { (set -a; . /etc/tonghu/tonghu.env; set +a; printf '%s' "${!1:-}"); }

enabled=()
for unit in tonghu-web tonghu-worker tonghu-beat; do
  [[ $(systemctl is-enabled "$unit.service" 2>/dev/null) == enabled ]] && enabled+=("$unit.service")
done
trap 'echo "UPGRADE STOPPED: fix the error above and run again, or check out the previous version and
run: systemctl restart ${enabled[*]}" >&2' ERR

echo "== fetching $ref"
previous=$(git rev-parse --short HEAD)
as_tonghu git fetch --quiet --tags origin
as_tonghu git checkout --quiet --detach "$ref"
echo "   $previous -> $(git rev-parse --short HEAD)"

echo "== stopping the worker and beat"
systemctl stop tonghu-worker.service tonghu-beat.service 2>/dev/null || true

if [[ $MIGRATE == yes ]]; then
  echo "== database dump before migrating"
  install -d -m 0700 "$BACKUP_DIR"
  dump="$BACKUP_DIR/pre-upgrade-$(date +%Y%m%d-%H%M%S)-$previous.dump"
  pg_dump --format=custom --file="$dump" "$(env_value DATABASE_URL)"
  chmod 0600 "$dump"
  echo "   $dump"
fi

echo "== requirements"
as_tonghu .venv/bin/pip install --quiet -r requirements.txt

if [[ $MIGRATE == yes ]]; then
  echo "== migrate"
  manage migrate --noinput
fi
echo "== messages and static files, deployment check"
manage compilemessages --ignore=.venv -v0
manage collectstatic --noinput -v0
manage check --deploy --fail-level WARNING

echo "== restarting ${enabled[*]}"
systemctl restart "${enabled[@]}"

if [[ " ${enabled[*]} " == *" tonghu-web.service "* ]]; then
  host=$(env_value DJANGO_ALLOWED_HOSTS)
  host=${host%%,*}
  bind=$(env_value GUNICORN_BIND)
  bind=${bind:-127.0.0.1:8000}
  for _ in $(seq 30); do
    if curl -fsS -o /dev/null -H "Host: $host" -H "X-Forwarded-Proto: https" "http://$bind/healthz"; then
      echo "== upgraded to $ref; /healthz answers 200"
      exit 0
    fi
    sleep 2
  done
  echo "/healthz does not answer 200 after the upgrade: see /var/log/tonghu/web.log" >&2
  exit 1
fi
echo "== upgraded to $ref"
