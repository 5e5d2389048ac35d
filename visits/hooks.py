"""What visits contributes to other apps' pages and reacts to, connected in VisitsConfig.ready()."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.home import Card, cached_per_user, register_card
from accounts.policy import Can
from children import timeline
from children.timeline import Event

from . import services
from .models import FamilyCall, FollowUpContact, Visit


def on_risk_level_changed(sender, *, child, old, new, by, **kwargs):
    services.refresh_due_visits(child=child)


def on_child_saved(sender, *, instance, created, raw=False, update_fields=None, **kwargs):
    # Entering, leaving or re-entering the registry; level changes arrive through risk_level_changed,
    # and the nightly refresh catches everything else (bulk imports skip signals).
    if not raw and (created or (update_fields and "status" in update_fields)):
        services.refresh_due_visits(child=instance)


def worker_card(request):
    user = request.user
    if not user.can(Can.HAVE_CASELOAD):
        return None
    today = timezone.localdate()
    counts = services.worker_dues(user, hashed=True).aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)), today=Count("id", filter=Q(due_on=today)))
    return Card(title=_("Overdue visits"), url=reverse("visits:worklist"), value=counts["overdue"],
                note=_("%(today)s due today") % {"today": counts["today"]},
                level="danger" if counts["overdue"] else "success")


def compliance_card(request):
    user = request.user
    if not user.can(Can.SEE_PROJECT):
        return None
    data = services.compliance_summary(user=user, month=timezone.localdate())
    return Card(title=_("Home visits to high and medium-high risk families this month"),
                url=reverse("visits:compliance"), value=f"{data['total_visits']}/{data['target']}",
                note=_("%(visited)s of %(children)s families visited, %(missed)s not yet") % {
                    "visited": data["families_visited"], "children": data["families"],
                    "missed": data["families_missed"]},
                level="success" if data["target_met"] and not data["families_missed"] else "warning")


def timeline_events(child, user):
    for visit in Visit.objects.filter(child=child).select_related("recorded_by"):
        seen = _("child seen") if visit.child_seen else _("child not seen")
        yield Event(when=visit.visited_on, kind="visit", title=f"{visit.get_type_display()} · {seen}",
                    url=visit.get_absolute_url(), detail=str(visit.recorded_by))
    for call in FamilyCall.objects.filter(child=child).select_related("arranged_by"):
        yield Event(when=call.held_on, kind="family_call",
                    title=_("Parent–child call (%(mode)s, %(minutes)s min)") % {
                        "mode": call.get_mode_display(), "minutes": call.duration_minutes},
                    url=call.get_absolute_url(), detail=call.participants)
    for contact in FollowUpContact.objects.visible_to(user).filter(children=child).select_related("division"):
        yield Event(when=contact.contacted_on, kind="follow_up",
                    title=_("Follow-up with %(place)s") % {"place": contact.division},
                    url=contact.get_absolute_url(), detail=f"{contact.contact_name} · {contact.contact_role}")


def register() -> None:
    """Called once from VisitsConfig.ready()."""
    from django.db.models.signals import post_save

    from children.models import Child
    from children.signals import children_created_in_bulk, risk_level_changed

    risk_level_changed.connect(on_risk_level_changed, sender=Child, dispatch_uid="visits.risk_level")
    post_save.connect(on_child_saved, sender=Child, dispatch_uid="visits.child_saved")
    children_created_in_bulk.connect(services.schedule_imported_children, sender=Child,
                                     dispatch_uid="visits.children_created_in_bulk")
    register_card(order=10, func=cached_per_user(worker_card))
    register_card(order=15, func=cached_per_user(compliance_card))
    timeline.register(timeline_events)
