"""Production settings build their static files and serve a page from them (issue: production could
not serve a page because collectstatic aborted on a vendored file's missing source map).

Each test runs manage.py in a subprocess: the production settings read their secrets from the
environment at import, and the test process already runs on the test settings.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']""")


def production_env(tmp_path: Path) -> dict[str, str]:
    """The environment production refuses to start without, with throwaway secrets."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_hex(32),
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """collectstatic with the production storage into a temporary STATIC_ROOT, once per module."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    result = manage(env, "collectstatic", "--noinput", "-v0")
    assert result.returncode == 0, f"collectstatic failed on the production settings:\n{result.stderr}"
    return env, Path(env["STATIC_ROOT"])


def test_collectstatic_builds_the_manifest(built):
    _env, root = built
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
    assert (root / manifest["vendor/bootstrap/bootstrap.min.css"]).is_file()


def test_vendored_files_reference_no_source_map():
    """A `sourceMappingURL` to a file that is not vendored aborts collectstatic: strip it on update."""
    offenders = [str(path.relative_to(BASE_DIR)) for path in (BASE_DIR / "static").rglob("*")
                 if path.suffix in {".js", ".css"} and "sourceMappingURL" in path.read_text(errors="replace")]
    assert offenders == []


def test_every_static_reference_in_templates_is_in_the_manifest(built):
    """The manifest is strict: a `{% static %}` name it lacks is a 500 on every page that uses it."""
    _env, root = built
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    template_dirs = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    referenced = {name: path for folder in template_dirs for path in folder.rglob("*.html")
                  for name in STATIC_TAG.findall(path.read_text())}
    assert referenced, "no {% static %} reference found: the pattern no longer matches the templates"
    missing = {name: str(path.relative_to(BASE_DIR)) for name, path in referenced.items() if name not in manifest}
    assert missing == {}


def test_login_page_renders_with_hashed_static_names(built, tmp_path):
    env, root = built
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    page = tmp_path / "login.html"
    result = manage(env, "shell", "--no-imports", "-c", (
        "from pathlib import Path\n"
        "from django.test import Client\n"
        "response = Client().get('/accounts/login/', secure=True)\n"
        f"Path({str(page)!r}).write_bytes(str(response.status_code).encode() + b'\\n' + response.content)\n"))
    assert result.returncode == 0, result.stderr
    status, _, html = page.read_text().partition("\n")
    assert status == "200", html
    assert f"/static/{manifest['vendor/bootstrap/bootstrap.min.css']}" in html
