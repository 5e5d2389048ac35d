from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from kombu import Connection

from .database import ctype_problem
from .home import banners_for, cards_for
from .models import StaffProfile
from .policy import Can, require
from .staffing import check_staffing


@login_required
def home(request):
    return render(request, "accounts/home.html", {"cards": cards_for(request), "banners": banners_for(request)})


@login_required
def team(request):
    require(request.user, Can.SEE_TEAM)
    profiles = StaffProfile.objects.filter(user__is_active=True).select_related("user").order_by("position", "user__username")
    return render(request, "accounts/team.html", {
        "profiles": profiles, "rules": check_staffing(profiles),
        "perms_team_history": request.user.is_staff and request.user.can(Can.MANAGE_PROJECT)})


@login_required
def notifications(request):
    items = request.user.notifications.all()[:100]
    return render(request, "accounts/notifications.html", {"items": items})


@login_required
def notification_open(request, pk):
    note = get_object_or_404(request.user.notifications, pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    url = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}) else "/"
    return HttpResponseRedirect(url or "/")


@require_POST
@login_required
def notifications_read_all(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return HttpResponseRedirect("/accounts/notifications/")


@transaction.non_atomic_requests  # ATOMIC_REQUESTS would open the database before the check could catch it
@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer; 503 JSON naming what failed (never a 500 page)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["database_ctype"] = f"error: {problem}" if (problem := ctype_problem(connection)) else "ok"
    except Exception as exc:  # noqa: BLE001  any failure is reported, not raised
        checks["database"] = f"error: {exc.__class__.__name__}: {exc}"
    try:
        with Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                        connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}: {exc}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
