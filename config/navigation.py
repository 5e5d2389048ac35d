"""The site's navigation: one table for the whole project, so it lives in config/ beside the URLs.

Each item names the capability (accounts.policy) that shows it; None shows it to every signed-in user.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.policy import Can, allows

NAVIGATION = [
    (_("Home"), "home", None),
    (_("Registry"), "children:list", Can.SEE_REGISTRY),
    (_("Visits"), "visits:worklist", Can.DO_CASEWORK),
    # the bureau reads cases too (issue 15 item 6); changing one needs do_casework (Case.can_change)
    (_("Cases"), "cases:list", Can.SEE_REGISTRY),
    (_("Discovery reports"), "cases:incident_list", Can.SEE_REGISTRY),
    (_("Activities"), "activities:list", Can.SEE_REGISTRY),
    (_("Effectiveness evaluation"), "evaluation:index", Can.SEE_REGISTRY),
    (_("Reports"), "reports:index", Can.SEE_OVERVIEW),
    (_("Team"), "accounts:team", Can.SEE_TEAM),
    # one page, two duties: the lead exports the hand-over, the bureau downloads it (no role holds both)
    (_("Hand-over of the archive"), "handover:index", Can.EXPORT_HANDOVER),
    (_("Hand-over of the archive"), "handover:index", Can.DOWNLOAD_HANDOVER),
]


def navigation(request):
    user = getattr(request, "user", None)
    context = {"site_title": settings.SITE_TITLE}
    if user is None or not user.is_authenticated:
        return context
    items = [{"label": label, "url": reverse(name)} for label, name, capability in NAVIGATION
             if capability is None or allows(user, capability)]
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
