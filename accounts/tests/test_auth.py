import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1234"


def login(client, username, password, ip="10.0.0.1", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录" in body and "用户名" in body and "密码" in body


def test_browser_asking_for_english_still_gets_chinese(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()


def test_wrong_password_gets_chinese_message_saying_what_to_do(client, worker):
    response = login(client, worker.username, "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_a_deactivated_account_is_told_so_only_with_the_right_password(client, worker):
    worker.is_active = False
    worker.save()
    page = login(client, worker.username, PASSWORD)
    assert page.status_code == 200 and "该账号已停用" in page.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = login(client, worker.username, "not-the-password")
    assert "该账号已停用" not in wrong.content.decode() and "用户名或密码错误" in wrong.content.decode()


def test_demo_style_worker_signs_in_and_sees_home(client, worker):
    response = login(client, worker.username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "工作台" in home.content.decode()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_has_a_home_page(client, role):
    user = make_user(f"user_{role}", role, ["440802"] if role in ("social_worker", "county_bureau") else [])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert user.get_role_display() in response.content.decode()
    assert [card.title for card in response.context["cards"]], "every role gets at least one card"


def test_home_navigation_follows_role(client, worker, bureau):
    client.force_login(worker)
    labels = [str(i["label"]) for i in client.get(reverse("home")).context["nav_items"]]
    assert "个案" in labels and "团队" not in labels
    client.force_login(bureau)
    labels = [str(i["label"]) for i in client.get(reverse("home")).context["nav_items"]]
    assert "团队" in labels and "探访" not in labels
    assert "个案" in labels  # read-only (issue 15 item 6; reports/tests/test_bureau_reads_cases.py)


def test_navigation_lights_the_most_specific_item(client, worker):
    client.force_login(worker)

    def active(path):
        return [str(i["label"]) for i in client.get(path).context["nav_items"] if i["active"]]

    assert active(reverse("cases:incident_list")) == ["发现报告"]
    assert active(reverse("cases:list")) == ["个案"]
    assert active(reverse("home")) == ["工作台"]


def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_five_failures_lock_for_thirty_minutes_then_release(client, worker):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(4):
            assert login(client, worker.username, "wrong-password").status_code == 200
        assert login(client, worker.username, "wrong-password").status_code == 429  # the fifth failure locks
        locked = login(client, worker.username, PASSWORD)
        assert locked.status_code == 429
        assert "锁定" in locked.content.decode()
        traveller.shift(datetime.timedelta(minutes=29))
        assert login(client, worker.username, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=2))
        assert login(client, worker.username, PASSWORD).status_code == 302


def test_lockout_is_per_username_and_address_not_the_whole_office(client, worker, other_worker):
    for _ in range(5):
        login(client, worker.username, "wrong-password", ip="10.0.0.9")
    assert login(client, worker.username, PASSWORD, ip="10.0.0.9").status_code == 429
    # A colleague behind the same township address still signs in.
    assert login(client, other_worker.username, PASSWORD, ip="10.0.0.9").status_code == 302
    client.logout()
    # And the same person from another address is not locked by the first one.
    assert login(client, worker.username, PASSWORD, ip="10.0.0.10").status_code == 302


def test_forged_forwarded_for_header_does_not_escape_the_lock(client, worker):
    for i in range(5):
        login(client, worker.username, "wrong-password", ip="10.0.0.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    response = login(client, worker.username, PASSWORD, ip="10.0.0.9", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert response.status_code == 429


def test_idle_session_expires_after_thirty_minutes(client, worker):
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        login(client, worker.username, PASSWORD)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity resets the clock
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert client.get(reverse("home")).status_code == 302


def test_session_ends_when_browser_closes(client, worker, settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    login(client, worker.username, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


@pytest.mark.parametrize(
    ("password", "message"),
    [("short1Aa", "太短"), ("1234567890123", "只包含数字"), ("password123", "太常见")],
)
def test_password_policy_refuses_weak_passwords(client, worker, password, message):
    client.force_login(worker)
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


def test_password_change_accepts_a_good_password(client, worker):
    client.force_login(worker)
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password1": "湛江-海风-2026-Tonghu",
                            "new_password2": "湛江-海风-2026-Tonghu"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("湛江-海风-2026-Tonghu")


def test_logout_is_post_only_and_ends_session(client, worker):
    client.force_login(worker)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
