"""What discovery reports contribute to other apps' pages: the home banner and card, the child timeline.

Registered by cases.hooks.register(), called from CasesConfig.ready().
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.home import Banner, Card
from accounts.policy import Can
from children.timeline import Event

from ..models import Incident


def incident_banner(request):
    """Red until every required recipient of every visible report is logged and police feedback is in."""
    if not request.user.can(Can.DO_CASEWORK):
        return None
    open_count = Incident.objects.visible_to(request.user).open().count()
    if not open_count:
        return None
    return Banner(text=_("%(n)s discovery report(s) not yet handled: a required recipient is not logged or the "
                         "police feedback is missing.") % {"n": open_count},
                  url=f"{reverse('cases:incident_list')}?status={Incident.Status.OPEN}", level="danger")


def incident_card(request):
    if not request.user.can(Can.RECEIVE_REPORTS):
        return None
    open_count = Incident.objects.visible_to(request.user).open().count()
    return Card(title=gettext_lazy("Discovery reports not yet handled"), value=open_count,
                url=f"{reverse('cases:incident_list')}?status={Incident.Status.OPEN}",
                level="danger" if open_count else "")


def incident_events(child, user):
    for incident in Incident.objects.visible_to(user).filter(child=child):
        yield Event(when=incident.reported_at, kind="incident", url=incident.get_absolute_url(),
                    title=_("Discovery report: %(situations)s") % {
                        "situations": "、".join(incident.situation_labels())})
