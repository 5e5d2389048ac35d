import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, StaffProfile, User

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "database_ctype": "ok", "broker": "ok"}


def test_healthz_503_names_the_broker_when_it_does_not_answer(client, settings):
    # A real broker address where nothing listens: port 1 on this machine.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"].startswith("error")


def test_seed_demo_creates_one_user_per_role_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    names = {"worker1", "worker2", "lead", "supervisor", "bureau", "county_bureau", "admin"}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    assert set(users) == names
    assert {u.role for u in users.values()} == {r.value for r in Role}
    assert users["worker1"].area_codes() == ["440802"] and users["worker2"].area_codes() == ["440882"]
    assert users["county_bureau"].area_codes() == ["440823"]
    assert users["worker1"].check_password("tonghu-demo-2026")
    assert StaffProfile.objects.filter(user__username="lead").count() == 1


def test_seed_demo_meets_the_staffing_rules(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    client.force_login(User.objects.get(username="lead"))
    assert all(r.met for r in client.get("/accounts/team/").context["rules"])


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.filter(username="worker1").exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="worker1").exists()
