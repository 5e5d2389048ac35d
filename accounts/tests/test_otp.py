"""Two-factor login (R14, accounts/otp.py): these tests sign in through the login page with the password, as a
person does (not force_login, which the root conftest makes pass the second factor)."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEntry
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def password_only(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return client


def current_code(device) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def enrol(client, user) -> list[str]:
    """The enrolment pages as a person goes through them; returns the recovery codes shown."""
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200 and 'id="otp-secret"' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_enrol"), {"code": current_code(device)})
    assert response.status_code == 200
    return re.findall(r'<li class="col-6">(\w+)</li>', response.content.decode())


@pytest.mark.parametrize("persona", ["lead", "supervisor", "bureau", "county_bureau", "sysadmin"])
def test_a_password_alone_reaches_no_page_for_the_roles_that_need_a_second_factor(request, persona):
    user = request.getfixturevalue(persona)
    client = password_only(user)
    for url in (reverse("home"), reverse("admin:index"), reverse("accounts:team"), reverse("accounts:notifications")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_enrol")), url


def test_the_bureau_with_an_authenticator_is_asked_for_its_code_and_then_gets_in(bureau):
    client = password_only(bureau)
    enrol(client, bureau)
    client.post(reverse("logout"))

    client = password_only(bureau)
    response = client.get(reverse("accounts:team"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    response = client.post(reverse("accounts:otp_verify"), {"code": "000000", "next": reverse("accounts:team")})
    assert "验证码不对或已过期" in response.content.decode()
    assert client.get(reverse("accounts:team")).status_code == 302
    device = TOTPDevice.objects.get(user=bureau)
    # a minute later: the enrolment's code may not be used twice, and a wrong code blocks the next try a second
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        response = client.post(reverse("accounts:otp_verify"), {"code": current_code(device),
                                                                "next": reverse("accounts:team")})
    assert response.status_code == 302 and response.url == reverse("accounts:team")
    assert client.get(reverse("accounts:team")).status_code == 200
    assert AuditEntry.objects.filter(user=bureau, action="otp.failed").count() == 1
    assert AuditEntry.objects.filter(user=bureau, action="otp.verified").count() == 1


def test_the_admin_needs_the_second_factor_even_for_the_superuser(sysadmin):
    client = password_only(sysadmin)
    enrol(client, sysadmin)
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("logout"))
    client = password_only(sysadmin)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


def test_a_recovery_code_works_once(supervisor):
    client = password_only(supervisor)
    codes = enrol(client, supervisor)
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=supervisor).count() == 10
    client.post(reverse("logout"))

    client = password_only(supervisor)
    response = client.post(reverse("accounts:otp_verify"), {"code": codes[0], "next": reverse("home")})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))

    client = password_only(supervisor)
    response = client.post(reverse("accounts:otp_verify"), {"code": codes[0], "next": reverse("home")})
    assert response.status_code == 200 and "验证码不对或已过期" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert StaticToken.objects.filter(device__user=supervisor).count() == 9


def test_enrolling_again_cannot_skip_an_existing_authenticator(lead):
    client = password_only(lead)
    enrol(client, lead)
    client.post(reverse("logout"))
    client = password_only(lead)
    response = client.get(reverse("accounts:otp_enrol"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    assert client.post(reverse("accounts:otp_enrol"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=lead).count() == 1


def test_a_social_worker_signs_in_with_the_password_and_may_enrol(worker):
    client = password_only(worker)
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("accounts:otp_manage")).content.decode()
    assert "对社工是可选的" in page
    enrol(client, worker)
    assert TOTPDevice.objects.get(user=worker).confirmed


def test_the_lead_resets_a_users_device_and_it_is_audited(client_for, lead, supervisor, county_bureau):
    client = password_only(county_bureau)
    enrol(client, county_bureau)
    assert client_for(supervisor).post(reverse("accounts:otp_reset"), {"user": county_bureau.pk}).status_code == 403
    assert TOTPDevice.objects.filter(user=county_bureau).exists()

    lead_client = client_for(lead)
    page = lead_client.get(reverse("accounts:otp_users")).content.decode()
    assert "county_bureau" in page and "重置" in page
    response = lead_client.post(reverse("accounts:otp_reset"), {"user": county_bureau.pk})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=county_bureau).exists()
    assert not StaticToken.objects.filter(device__user=county_bureau).exists()
    entry = AuditEntry.objects.get(action="otp.reset")
    assert entry.user == lead and entry.target_id == str(county_bureau.pk)
    # next sign-in: enrol again
    response = password_only(county_bureau).get(reverse("home"))
    assert response.url.startswith(reverse("accounts:otp_enrol"))


def test_with_otp_required_off_the_password_is_enough(settings, lead):
    """The `make run` demo (config/settings/local.py); production.py forces it on."""
    settings.OTP_REQUIRED = False
    assert password_only(lead).get(reverse("home")).status_code == 200


def test_production_settings_require_the_second_factor():
    text = (Path(__file__).resolve().parents[2] / "config/settings/production.py").read_text()
    assert "\nOTP_REQUIRED = True\n" in text
