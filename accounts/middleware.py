import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import otp, services
from .policy import needs_second_factor


class IdleTimeoutMiddleware:
    """Log out a session that has been idle longer than SESSION_IDLE_TIMEOUT seconds.

    Runs after MessageMiddleware (settings), so the message can be stored for the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get("last_activity")
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after 30 minutes without activity. Please sign in again."))
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
            # Written at most once a minute, so most requests do not rewrite the session row.
            if last is None or now - last >= 60:
                request.session["last_activity"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user is shown may be kept by the browser or a proxy: child, case and
    report pages, PDFs, photos and exports all carry `Cache-Control: no-store, private`
    (docs/privacy.md). A shared office computer's back button and disk cache hold no child data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response.headers.pop("Cache-Control", None)  # e.g. a photo's "private, max-age=3600"
            add_never_cache_headers(response)
        return response


class AuditMiddleware:
    """The audit write is the last thing a request does: entries made while the view runs are
    queued and written after the response is rendered, in one short transaction, so the chain's
    lock is never held while a page or PDF renders. A request that ends in a server error (its
    transaction rolled back) writes none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with services.deferred_audit() as queued:
            response = self.get_response(request)
            if response.status_code >= 500:
                queued.clear()
        return response


class SecondFactorMiddleware:
    """With settings.OTP_REQUIRED, a signed-in user whose role needs a second factor, or who may use the admin
    (policy.needs_second_factor), reaches no page before their session is verified with a one-time code:
    they are sent to the code page, or to enrolment when they have no authenticator yet (accounts.otp).
    Runs after IdleTimeoutMiddleware, so an idle session is signed out first."""

    OPEN = ("login", "logout", "healthz", "accounts:otp_verify", "accounts:otp_enrol")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        if settings.OTP_REQUIRED and request.user.is_authenticated and not otp.is_verified(request):
            if self._open_paths is None:
                self._open_paths = {reverse(name) for name in self.OPEN}
            path = request.path_info
            # needs_second_factor covers every user who may use the admin (is_staff); others are refused there anyway
            if path not in self._open_paths and needs_second_factor(request.user):
                target = "accounts:otp_verify" if otp.has_device(request.user) else "accounts:otp_enrol"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
