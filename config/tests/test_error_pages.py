"""Issue 11 item 10: the project's own 403, 404, 500 and CSRF-failure pages, in Chinese, each saying
what to do; the admin refuses a signed-in user who does not use it with that 403, not a second login
form; and its "view on site" shortcut does not tell which ids exist (item 9)."""

from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import loader
from django.test import Client
from django.urls import reverse

from children.models import Child
from children.tests.factories import ChildFactory
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_403_is_ours_in_chinese_and_says_whom_to_ask(client_for, worker):
    response = client_for(worker).get(reverse("accounts:team"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "您的账号无权打开此页面" in body and "项目负责人" in body and "返回工作台" in body


def test_404_is_ours_in_chinese_and_does_not_say_whether_the_record_exists(client_for, worker, other_worker):
    child = ChildFactory(social_worker=worker)
    not_visible = client_for(other_worker).get(reverse("children:detail", args=[child.pk]))
    missing = client_for(other_worker).get(reverse("children:detail", args=[child.pk + 1000]))
    assert not_visible.status_code == missing.status_code == 404
    body = not_visible.content.decode()
    assert "页面不存在，或者其内容不在您的区域或个案范围内" in body and "返回工作台" in body
    assert "测试儿童" not in body


def test_500_renders_standalone_in_chinese():
    """Django renders 500.html with no request and no context processors."""
    body = loader.get_template("500.html").render()
    assert "系统出错了" in body and "系统管理员" in body


def test_a_crashing_view_answers_our_500_page(client, worker):
    client.force_login(worker)
    client.raise_request_exception = False
    with mock.patch("accounts.views.cards_for", side_effect=RuntimeError("boom")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错了" in body and "boom" not in body


def test_a_csrf_failure_says_the_page_expired_and_what_to_do(worker):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body and "刷新" in body and "CSRF" not in body


@pytest.mark.parametrize("persona", ["worker", "bureau", "county_bureau"])
def test_the_admin_refuses_a_signed_in_user_who_does_not_use_it_without_a_login_form(client_for, request,
                                                                                     persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    body = response.content.decode()
    assert "管理后台" in body and 'name="password"' not in body


def test_the_admin_login_form_still_serves_the_signed_out(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200 and 'name="password"' in response.content.decode()


def test_view_on_site_does_not_tell_the_administrator_which_child_ids_exist(client_for, sysadmin, lead, worker):
    child = ChildFactory(social_worker=worker)
    content_type = ContentType.objects.get_for_model(Child)
    exists = client_for(sysadmin).get(f"/admin/r/{content_type.pk}/{child.pk}/")
    missing = client_for(sysadmin).get(f"/admin/r/{content_type.pk}/{child.pk + 1000}/")
    assert exists.status_code == missing.status_code == 404
    # Someone who may see the child in the admin is still taken to its page.
    response = client_for(lead).get(f"/admin/r/{content_type.pk}/{child.pk}/")
    assert response.status_code == 302 and response.url == child.get_absolute_url()
    assert client_for(lead).get(f"/admin/r/{content_type.pk}/x/").status_code == 404
    assert client_for(lead).get("/admin/r/x/1/").status_code == 404
