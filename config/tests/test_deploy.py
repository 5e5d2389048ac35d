"""deploy/gunicorn.conf.py: the client's address reaches REMOTE_ADDR from nginx, and from nobody else."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


@pytest.fixture(scope="module")
def gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def remote_addr_seen(gunicorn_conf, environ):
    seen = {}

    def app(environ, start_response):
        seen["REMOTE_ADDR"] = environ["REMOTE_ADDR"]
        return []

    gunicorn_conf.RealClientAddress(app, {"127.0.0.1"})(environ, lambda *args: None)
    return seen["REMOTE_ADDR"]


def test_the_address_nginx_names_becomes_remote_addr(gunicorn_conf):
    assert remote_addr_seen(gunicorn_conf, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.9"}) == "203.0.113.9"
    assert remote_addr_seen(gunicorn_conf, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "2001:db8::7"}) == "2001:db8::7"


def test_a_client_that_is_not_the_proxy_cannot_choose_its_address(gunicorn_conf):
    assert remote_addr_seen(gunicorn_conf, {"REMOTE_ADDR": "198.51.100.4", "HTTP_X_REAL_IP": "203.0.113.9"}) == "198.51.100.4"


@pytest.mark.parametrize("header", [None, "", "unknown", "203.0.113.9, 10.0.0.1", "203.0.113.9<script>"])
def test_a_missing_or_malformed_header_keeps_the_proxy_address(gunicorn_conf, header):
    environ = {"REMOTE_ADDR": "127.0.0.1"} | ({"HTTP_X_REAL_IP": header} if header is not None else {})
    assert remote_addr_seen(gunicorn_conf, environ) == "127.0.0.1"


def test_the_wrapper_is_installed_in_every_worker(gunicorn_conf):
    class Worker:
        def wsgi(self, environ, start_response):
            return []

    worker = Worker()
    gunicorn_conf.post_worker_init(worker)
    assert isinstance(worker.wsgi, gunicorn_conf.RealClientAddress)
    assert gunicorn_conf.bind.startswith("127.0.0.1:")
