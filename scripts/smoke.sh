#!/usr/bin/env bash
# Deployment smoke test: the production settings on PostgreSQL and Redis, served the way
# deploy/ serves them. Builds the static files, migrates a database of its own, starts gunicorn
# (deploy/gunicorn.conf.py), a Celery worker and beat, signs a social worker in over HTTP, records a
# visit, checks /healthz, has the worker run the nightly visit task end to end, then stops
# everything and fails if any process of this run is left. Everything listens on 127.0.0.1 only.
#
#   bash scripts/smoke.sh            (CI: .ci/run; about a minute)
#
# PGHOST/PGPORT/PGUSER name the PostgreSQL server (a database tonghu_smoke_<pid> is created and
# dropped); SMOKE_REDIS_URL the Redis database the run may use alone (default redis://127.0.0.1:6379/15).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

VENV=${VENV:-.venv}
PY=$VENV/bin/python
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/15}
WAIT=${SMOKE_WAIT:-60}           # seconds any one thing may take to come up or happen
SERVICES_STOP_TIMEOUT=${SMOKE_STOP_TIMEOUT:-45}  # seconds the services have to stop after SIGTERM

db="tonghu_smoke_$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/tonghu-smoke.XXXXXX")
db_created=

step() { printf '\n---- smoke [%3d s]: %s\n' "$SECONDS" "$*"; }

show_logs() {
  local log
  for log in "$work"/*.log; do
    [[ -s $log ]] || continue
    printf '\n---- last lines of %s\n' "$(basename "$log")" >&2
    tail -n 40 "$log" >&2
  done
}

fail() {
  printf '\nSMOKE TEST FAILED: %s\n' "$*" >&2
  show_logs
  exit 1
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  services_stop || true
  if [[ -n $db_created ]]; then
    psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
      echo "could not drop database $db" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# wait_until DESCRIPTION COMMAND...: retry COMMAND every half second for $WAIT seconds.
wait_until() {
  local what=$1 deadline=$((SECONDS + WAIT)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "$what: not within $WAIT s"
    sleep 0.5
  done
}

manage() { "$PY" manage.py "$@"; }

# shell_py FILE: run Python from stdin in `manage.py shell`; it writes its answer to FILE.
shell_py() { manage shell --no-imports -c "$(cat)" || fail "manage.py shell failed (above)"; }

step "prerequisites"
[[ -x $PY ]] || fail "no Python at $PY (set VENV)"
[[ -x $VENV/bin/gunicorn && -x $VENV/bin/celery ]] || fail "gunicorn or celery missing in $VENV (pip install -r requirements.txt)"
command -v curl >/dev/null || fail "curl is not installed"
pg_isready -q || fail "PostgreSQL does not answer at $PGHOST:$PGPORT"
"$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()" "$REDIS_URL" 2>/dev/null ||
  fail "Redis does not answer at $REDIS_URL"
free_port() { "$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
port=$(free_port)
# In front of gunicorn, nginx with deploy/nginx/tonghu.conf when it is installed (SMOKE_NGINX=0: never).
front=gunicorn
[[ ${SMOKE_NGINX:-1} != 0 ]] && command -v nginx >/dev/null && command -v openssl >/dev/null && front=nginx

# The production environment, with throwaway secrets.
export DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
FIELD_ENCRYPTION_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
BLIND_INDEX_KEY=$("$PY" -c 'import secrets; print(secrets.token_hex(32))')
export DJANGO_SECRET_KEY FIELD_ENCRYPTION_KEYS BLIND_INDEX_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db"
export CELERY_BROKER_URL=$REDIS_URL
export STATIC_ROOT=$work/static MEDIA_ROOT=$work/media PROTECTED_MEDIA_ROOT=$work/protected
export GUNICORN_BIND=127.0.0.1:$port GUNICORN_WORKERS=2
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

step "database $db (UTF-8) and static files"
psql -q -v ON_ERROR_STOP=1 -d postgres \
  -c "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" ||
  fail "could not create database $db"
db_created=1
manage compilemessages --ignore=.venv -v0 || fail "compilemessages"
manage collectstatic --noinput -v0 || fail "collectstatic on the production settings"
[[ -s $STATIC_ROOT/staticfiles.json ]] || fail "collectstatic wrote no manifest"
manage migrate --noinput -v0 || fail "migrate"
# Leftovers of an earlier run on this Redis database would be run against a database now gone.
"$VENV/bin/celery" -A config purge -f >/dev/null || fail "celery purge on $REDIS_URL"

step "a social worker and two children"
password=$("$PY" -c 'import secrets; print("Smoke-" + secrets.token_urlsafe(12))')
ids=$work/ids
shell_py <<PY
from datetime import timedelta
from django.utils import timezone
from accounts.models import Role, User
from children.models import Child
from divisions.models import Division

worker = User.objects.create_user(username="smoke_worker", password="$password", role=Role.SOCIAL_WORKER,
                                  full_name="冒烟测试社工")
worker.areas.set(Division.objects.filter(code="440802"))  # 赤坎区
visited = Child.objects.create(name="冒烟测试甲", sex=Child.Sex.FEMALE, birth_date="2015-03-01",
                               residence_id="440802001001", social_worker=worker)
# Entered a year ago and never visited: the nightly run finds its visit overdue.
overdue = Child.objects.create(name="冒烟测试乙", sex=Child.Sex.MALE, birth_date="2014-05-01",
                               residence_id="440802001001", social_worker=worker,
                               created_at=timezone.now() - timedelta(days=365))
open("$ids", "w").write(f"{visited.pk} {overdue.pk}\n")
PY
read -r visited_pk overdue_pk <"$ids" || fail "the children were not created"

if [[ $front == nginx ]]; then
  # The site as deployed, with this run's ports, paths and a throwaway certificate; 127.0.0.1 is
  # named as a load balancer in front (set_real_ip_from), so X-Forwarded-For from curl is believed.
  http_port=$(free_port) https_port=$(free_port)
  mkdir -p "$work/nginx"
  chmod 0755 "$work"  # nginx's workers (nobody) read the static files
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$work/nginx/key.pem" -out "$work/nginx/cert.pem" 2>/dev/null || fail "openssl: no test certificate"
  sed -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$port;|" \
      -e "s|listen 80;|listen 127.0.0.1:$http_port;|; s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
      -e "/listen \[::\]/d" \
      -e "s|/etc/letsencrypt/live/tonghu.example.cn/fullchain.pem|$work/nginx/cert.pem|" \
      -e "s|/etc/letsencrypt/live/tonghu.example.cn/privkey.pem|$work/nginx/key.pem|" \
      -e "s|/var/log/tonghu/|$work/|; s|alias /var/lib/tonghu/static/;|alias $STATIC_ROOT/;|" \
      -e "s|#set_real_ip_from 10.0.0.0/8;|set_real_ip_from 127.0.0.1;|" \
      deploy/nginx/tonghu.conf >"$work/nginx/site.conf"
  grep -v "^ *#" "$work/nginx/site.conf" | grep -qE "/etc/letsencrypt|/var/lib|/var/log|:8000;|listen (80|443)" ||
    grep -q "#set_real_ip_from" "$work/nginx/site.conf" &&
    fail "deploy/nginx/tonghu.conf changed: the smoke test's substitutions no longer apply"
  cat >"$work/nginx/nginx.conf" <<NGINX
pid $work/nginx/nginx.pid;
error_log $work/nginx-main-error.log;
events {}
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/site.conf;
}
NGINX
  nginx -t -q -e "$work/nginx-main-error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" || fail "nginx -t rejects deploy/nginx/tonghu.conf"
fi

via="behind nginx"
[[ $front == nginx ]] || via="without nginx (not installed)"
step "gunicorn on 127.0.0.1:$port $via, two Celery workers and beat"
service_start gunicorn "$work/gunicorn.log" "$VENV/bin/gunicorn" -c deploy/gunicorn.conf.py config.wsgi
service_start worker "$work/worker.log" "$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 --hostname="smoke-$$@%h" \
  --without-mingle --without-gossip
# A second worker on the same broker, as on a second worker host (docs/deployment.md).
service_start worker2 "$work/worker2.log" "$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=1 \
  --hostname="smoke2-$$@%h" --without-mingle --without-gossip
service_start beat "$work/beat.log" "$VENV/bin/celery" -A config beat --loglevel=INFO --schedule="$work/celerybeat-schedule"

jar=$work/cookies
if [[ $front == nginx ]]; then
  service_start nginx "$work/nginx.log" nginx -e "$work/nginx-main-error.log" -p "$work/nginx" \
    -c "$work/nginx/nginx.conf" -g "daemon off;"
  base="https://127.0.0.1:$https_port" plain="http://127.0.0.1:$http_port"
  origin="https://127.0.0.1"  # nginx passes Host without the port, as on 443
  client_address_header="X-Forwarded-For"
  http() { curl -sS -k --max-time 30 -b "$jar" -c "$jar" "$@"; }
else
  # Every request as nginx would pass it: over "HTTPS" (X-Forwarded-Proto), so the production
  # redirects, secure cookies and the CSRF origin check all apply unchanged.
  base="http://127.0.0.1:$port" plain=$base
  origin="https://127.0.0.1:$port"
  client_address_header="X-Real-IP"
  http() { curl -sS --max-time 30 -b "$jar" -c "$jar" -H "X-Forwarded-Proto: https" "$@"; }
fi
healthz_ok() { [[ $(http -o "$work/healthz.json" -w '%{http_code}' "$base/healthz") == 200 ]]; }

wait_until "$front answering /healthz with 200" healthz_ok
if ! grep -q '"database": "ok"' "$work/healthz.json" || ! grep -q '"broker": "ok"' "$work/healthz.json"; then
  fail "/healthz: $(cat "$work/healthz.json")"
fi
wait_until "the Celery worker ready" grep -q "smoke-$$@.* ready" "$work/worker.log"
wait_until "the second Celery worker ready" grep -q "smoke2-$$@.* ready" "$work/worker2.log"
wait_until "Celery beat started" grep -q "beat: Starting" "$work/beat.log"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$plain/accounts/login/")
[[ $code == 301 ]] || fail "a plain-HTTP request was not redirected to HTTPS (status $code)"

# form_fields FILE FIELD: name=value of each hidden input of the form that has an input FIELD.
form_fields() {
  "$PY" - "$1" "$2" <<'PY'
import sys
from html.parser import HTMLParser


class Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"names": set(), "hidden": []}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "select", "textarea") and attrs.get("name"):
            self.current["names"].add(attrs["name"])
            if tag == "input" and attrs.get("type") == "hidden":
                self.current["hidden"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


parser = Forms()
parser.feed(open(sys.argv[1], encoding="utf-8").read())
form = next((f for f in parser.forms if sys.argv[2] in f["names"]), None)
if form is None:
    sys.exit(f"no form with a field {sys.argv[2]!r}")
for name, value in form["hidden"]:
    print(f"{name}={value}")
PY
}

# post URL PAGE [-H HEADER] FIELD=VALUE...: the hidden fields (CSRF token…) of PAGE's form that has
# an input $FORM_FIELD, plus the given fields; prints the status and the Location header.
post() {
  local url=$1 page=$2; shift 2
  local args=() line
  while IFS= read -r line; do args+=(--data-urlencode "$line"); done < <(form_fields "$page" "${FORM_FIELD:?}")
  while (($#)); do
    if [[ $1 == -H ]]; then args+=(-H "$2"); shift 2; else args+=(--data-urlencode "$1"); shift; fi
  done
  http -o "$work/response.html" -w '%{http_code} %header{location}\n' -H "Origin: $origin" -H "Referer: $url" \
    "${args[@]}" "$url"
}

step "log in over HTTP"
[[ $(http -o "$work/login.html" -w '%{http_code}' "$base/accounts/login/") == 200 ]] || fail "GET the login page"
grep -q 'csrftoken' "$jar" || fail "no CSRF cookie from the login page"
grep -q "/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]\{12\}\.css" "$work/login.html" ||
  fail "the login page does not use the hashed static names"
if [[ $front == nginx ]]; then
  css=$(grep -o "/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]\{12\}\.css" "$work/login.html" | head -n 1)
  [[ $(http -o /dev/null -w '%{http_code} %header{cache-control}' "$base$css") == "200 public, max-age=31536000, immutable" ]] ||
    fail "nginx does not serve $css from STATIC_ROOT with a year's cache"
  for path in /static/staticfiles.json /media/ "/media/children/photo.jpg"; do
    [[ $(http -o /dev/null -w '%{http_code}' "$base$path") == 404 ]] || fail "nginx serves $path"
  done
fi
FORM_FIELD=password
# A wrong password from a client at 203.0.113.9 (as a load balancer names it to nginx, or nginx
# to gunicorn): the lockout must count it against that address (deploy/gunicorn.conf.py), not
# against the proxy's 127.0.0.1 shared by everyone.
read -r code location < <(post "$base/accounts/login/" "$work/login.html" -H "$client_address_header: 203.0.113.9" \
  username=smoke_worker password=not-the-password)
[[ $code == 200 ]] || fail "a wrong password answered $code, not the login form again"
shell_py <<PY
from axes.models import AccessAttempt
addresses = list(AccessAttempt.objects.filter(username="smoke_worker").values_list("ip_address", flat=True))
assert addresses == ["203.0.113.9"], f"the failed login was counted against {addresses}, not the client's address"
PY
read -r code location < <(post "$base/accounts/login/" "$work/login.html" username=smoke_worker "password=$password")
[[ $code == 302 ]] || fail "login answered $code, not a redirect (wrong password, CSRF or lockout?)"
grep -q 'sessionid' "$jar" || fail "no session cookie after login"
[[ $(http -o "$work/home.html" -w '%{http_code}' "$base/") == 200 ]] || fail "the home page after login"
grep -q "冒烟测试社工\|smoke_worker" "$work/home.html" || fail "the home page does not show the signed-in worker"

step "record a visit over HTTP"
[[ $(http -o "$work/visit_form.html" -w '%{http_code}' "$base/visits/child/$visited_pk/new/") == 200 ]] ||
  fail "GET the visit form"
FORM_FIELD=duration_minutes
read -r code location < <(post "$base/visits/child/$visited_pk/new/" "$work/visit_form.html" \
  type=home "visited_on=$(TZ=Asia/Shanghai date +%F)" duration_minutes=45 child_seen=True \
  "findings=冒烟测试：孩子在家，祖母照看。")
[[ $code == 302 && $location == */visits/[0-9]*/* ]] || fail "saving the visit answered $code (errors: see response)"
visit_url=${location%%\?*}
[[ $visit_url == http* ]] || visit_url=$base$visit_url
[[ $(http -o "$work/visit.html" -w '%{http_code}' "$visit_url") == 200 ]] || fail "GET the saved visit"
grep -q "冒烟测试：孩子在家" "$work/visit.html" || fail "the saved visit does not show its findings"
shell_py <<PY
from visits.models import Visit
visits = list(Visit.objects.filter(child_id=$visited_pk).values_list("recorded_by__username", "duration_minutes"))
assert visits == [("smoke_worker", 45)], f"visits in the database: {visits}"
PY

step "the worker runs the nightly visit task end to end"
shell_py <<PY
from visits.models import DueVisit
from visits.tasks import daily_visit_run

DueVisit.objects.filter(child_id=$overdue_pk).delete()
daily_visit_run.delay()
PY
effect=$work/effect
shell_py <<PY
import time
from accounts.models import Notification
from visits.models import DueVisit

deadline = time.monotonic() + $WAIT
while time.monotonic() < deadline:
    due = DueVisit.objects.filter(child_id=$overdue_pk).exists()
    told = Notification.objects.filter(recipient__username="smoke_worker", key__startswith="visits:overdue:").exists()
    if due and told:
        open("$effect", "w").write("ok")
        break
    time.sleep(1)
PY
[[ -s $effect ]] || fail "no due visit and overdue notification in the database $WAIT s after daily_visit_run.delay()"
# succeeded TASK: how many runs of TASK the two workers' logs show as succeeded.
succeeded() { cat "$work/worker.log" "$work/worker2.log" | grep -c "Task $1\[.*\] succeeded" || true; }
[[ $(succeeded visits.tasks.daily_visit_run) == 1 ]] ||
  fail "the workers' logs do not show daily_visit_run succeeding exactly once"

step "two workers on one broker: each task runs once"
shell_py <<PY
from cases.tasks import send_case_reminders

for _ in range(6):
    send_case_reminders.delay()
PY
wait_until "six reminder runs done by the two workers" test "$(succeeded cases.tasks.send_case_reminders)" -ge 6
sleep 2  # a duplicate delivery would show up now
[[ $(succeeded cases.tasks.send_case_reminders) == 6 ]] ||
  fail "6 tasks queued, $(succeeded cases.tasks.send_case_reminders) runs: a task ran twice"
echo "runs per worker: $(grep -c 'send_case_reminders\[.*\] succeeded' "$work/worker.log") and" \
  "$(grep -c 'send_case_reminders\[.*\] succeeded' "$work/worker2.log")"

step "/healthz, then stop everything"
healthz_ok || fail "/healthz after the run: $(cat "$work/healthz.json")"
for name in gunicorn worker worker2 beat ${front/gunicorn/}; do service_alive "$name" || fail "$name died during the run"; done
services_stop || fail "a process did not stop within $SERVICES_STOP_TIMEOUT s of SIGTERM (listed above)"
left=$(services_survivors)
# shellcheck disable=SC2086
[[ -z $left ]] || fail "processes of this run are still running: $(services_describe $left)"
curl -s --max-time 2 -o /dev/null "$base/healthz" && fail "something still answers on $base"

echo
echo "smoke test passed: gunicorn, Celery worker and beat on production settings, PostgreSQL and Redis."
