"""Issue 11 item 9, the kernel's part: the idle sign-out, the password rules, /healthz without a
database, and no-store on every page a signed-in user is shown."""

import io
import time
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import OperationalError, connections
from django.urls import reverse
from PIL import Image

from children.tests.factories import ChildFactory
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_idle_session_is_signed_out_with_a_message_not_a_500(client, worker):
    client.force_login(worker)
    session = client.session
    session["last_activity"] = time.time() - 31 * 60  # the session itself is still valid
    session.save()
    response = client.get(reverse("children:list") + "?page=2")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=%2Fchildren%2F%3Fpage%3D2"
    assert "30分钟未操作" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert client.get(reverse("home")).status_code == 302  # signed out


@pytest.mark.parametrize(("password", "message"), [
    (" " * 10, "不同的字符太少"),
    ("aaaaaaaaaaaa", "不同的字符太少"),
    ("worker_chikanworker_chikan", "不能包含用户名"),
    ("my-Worker_Chikan-2026", "不能包含用户名"),
])
def test_password_policy_refuses_blanks_repeats_and_the_username(client, worker, password, message):
    client.force_login(worker)
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


def test_password_policy_still_takes_a_passphrase(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "晴天 去 湖光岩 看海", "new_password2": "晴天 去 湖光岩 看海"})
    assert response.status_code == 302


def test_healthz_answers_503_json_when_the_database_is_gone(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("database is gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["database"].startswith("error: OperationalError")


@pytest.mark.parametrize("name", ["children:detail", "children:pdf", "children:photo"])
def test_child_pages_files_and_pdfs_are_not_stored_by_the_browser(client_for, worker, name):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    child = ChildFactory(social_worker=worker, photo=ContentFile(out.getvalue(), name="p.jpg"))
    with mock.patch("weasyprint.HTML.write_pdf", return_value=b"%PDF"):
        response = client_for(worker).get(reverse(name, args=[child.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "max-age=3600" not in response["Cache-Control"]
