"""Two-factor login (R14, docs/privacy.md): a TOTP device (authenticator app) and ten one-time recovery codes
per user, from django-otp's otp_totp and otp_static plugins.

A session is verified once the user typed a code of one of their confirmed devices after the password; the
device's persistent id is kept in the session (django-otp's key). accounts.middleware.SecondFactorMiddleware
sends a signed-in user who needs a second factor (policy.needs_second_factor, or any use of the admin) and whose
session is not verified to the verify page, or to enrolment when they have no device yet. The check reads the
session only: no query per request. Signing in again (or out) starts a new, unverified session."""

from base64 import b32encode

from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


def is_verified(request) -> bool:
    return bool(getattr(request, "session", None) is not None and request.session.get(DEVICE_ID_SESSION_KEY))


def mark_verified(request, device) -> None:
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.session.cycle_key()  # a new session id for the more trusted session


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The device being enrolled: not yet confirmed, so it does not count until its first code is typed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_groups(device: TOTPDevice) -> list[str]:
    """The base32 secret in groups of four, to type into an authenticator app by hand."""
    secret = b32encode(device.bin_key).decode()
    return [secret[i:i + 4] for i in range(0, len(secret), 4)]


def match(user, code: str):
    """The confirmed device (authenticator or recovery codes) that accepts `code`, or None. A recovery code
    is deleted when used: it works once."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes, replacing any the user had (shown once: only they keep them)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def confirm(device: TOTPDevice) -> list[str]:
    """The pending authenticator becomes the user's one device; returns their first recovery codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def reset(user) -> int:
    """Remove every device of the user: at the next sign-in they enrol again. Returns how many were removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed
