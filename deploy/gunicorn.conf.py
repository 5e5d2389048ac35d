"""gunicorn for 童护: `gunicorn -c deploy/gunicorn.conf.py config.wsgi` (systemd: tonghu-web.service).

Every value can be changed from the environment (the systemd unit's EnvironmentFile) without
editing this file; the CI smoke test (scripts/smoke.sh) runs with it too.
"""

import ipaddress
import multiprocessing
import os

# nginx on the same host talks to gunicorn over loopback; nothing else may reach it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are short SQL, the PDFs are CPU. Two per core, at least two.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, 2 * multiprocessing.cpu_count())))
worker_class = "sync"
# A PDF of a long case file takes a few seconds; an import preview of a big ledger longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Recycle each worker after this many requests (jittered so they do not all restart at once):
# WeasyPrint leaves memory behind, and a fresh process gives it back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 500))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 50))
# Load the application in each worker, not in the master: no database connection is shared
# across fork, and `systemctl reload` (HUP) picks up new code.
preload_app = False
# Uploads are buffered by nginx (client_max_body_size); gunicorn only checks request lines.
limit_request_line = 8190
# The proxy in front (nginx on this host): its X-Forwarded-Proto and X-Real-IP are believed, nobody
# else's. gunicorn listens on loopback only, so no client reaches it without nginx.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to stdout/stderr: journald keeps them (`journalctl -u tonghu-web`).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Client address from nginx's real_ip, request time in microseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
proc_name = "tonghu-web"



class RealClientAddress:
    """REMOTE_ADDR is the client's address, not nginx's.

    The lockout (django-axes) and the audit log read REMOTE_ADDR only, and behind nginx that is
    127.0.0.1 for everyone: five mistyped passwords from anywhere would lock a user out everywhere,
    and every audit entry would name the proxy. nginx sends the client's address in X-Real-IP
    (after its real_ip module has looked past any load balancer); it is used only when the request
    comes from a trusted proxy and only when it is an IP address.
    """

    def __init__(self, app, proxies):
        self.app = app
        self.proxies = proxies

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.proxies:
            try:
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(environ.get("HTTP_X_REAL_IP", "").strip()))
            except ValueError:
                pass  # no header, or not an address: keep the proxy's
        return self.app(environ, start_response)


def post_worker_init(worker):
    worker.wsgi = RealClientAddress(worker.wsgi, {ip.strip() for ip in forwarded_allow_ips.split(",")})
