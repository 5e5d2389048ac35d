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
    items = [{"label": label, "url": reverse(name)} for label, name, roles in NAVIGATION
             if not roles or user.role in roles]
    # The active item is the one whose address is the longest prefix of this page's, so that
    # /cases/incidents/ lights 发现报告 and not 个案 (/cases/).
    matches = [item for item in items if request.path == item["url"]
               or (item["url"] != "/" and request.path.startswith(item["url"]))]
    active = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is active
    context["nav_items"] = items
    context["unread_count"] = user.notifications.filter(read_at__isnull=True).count()
    context["show_admin_link"] = user.is_staff
    return context
