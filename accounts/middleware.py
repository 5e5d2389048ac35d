import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _


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
