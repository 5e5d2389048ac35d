from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

# (label, url name, roles that see it; empty = every signed-in user)
NAVIGATION = [
    (_("Home"), "home", ()),
    (_("Registry"), "children:list", (Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR, Role.BUREAU,
                                      Role.COUNTY_BUREAU)),
    (_("Visits"), "visits:worklist", (Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR)),
    (_("Cases"), "cases:list", (Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR)),
    (_("Discovery reports"), "cases:incident_list", (Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR,
                                                     Role.BUREAU, Role.COUNTY_BUREAU)),
    (_("Activities"), "activities:list", (Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR, Role.BUREAU,
                                          Role.COUNTY_BUREAU)),
    (_("Reports"), "reports:index", (Role.PROJECT_LEAD, Role.SUPERVISOR, Role.BUREAU, Role.COUNTY_BUREAU)),
    (_("Team"), "accounts:team", (Role.PROJECT_LEAD, Role.SUPERVISOR, Role.BUREAU, Role.ADMIN)),
]


def navigation(request):
    user = getattr(request, "user", None)
    context = {"site_title": settings.SITE_TITLE}
    if user is None or not user.is_authenticated:
        return context
    items = []
    for label, name, roles in NAVIGATION:
        if roles and user.role not in roles:
            continue
        items.append({"label": label, "url": reverse(name), "active": request.path == reverse(name)
                      or (name != "home" and request.path.startswith(reverse(name)))})
    context["nav_items"] = items
    context["unread_count"] = user.notifications.filter(read_at__isnull=True).count()
    context["show_admin_link"] = user.is_staff
    return context
