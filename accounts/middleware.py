import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from . import services


class IdleTimeoutMiddleware:
    """Log out a session that has been idle longer than SESSION_IDLE_TIMEOUT seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get("last_activity")
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after 30 minutes without activity. Please sign in again."))
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            # Written at most once a minute, so most requests do not rewrite the session row.
            if last is None or now - last >= 60:
                request.session["last_activity"] = now
        return self.get_response(request)


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
