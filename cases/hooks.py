"""What case files and discovery reports contribute to other apps' registries: the child's 个人档案
timeline, home cards and the discovery-report banner.

Nothing registers at import time: CasesConfig.ready() calls register() once.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.home import Card, cached_per_user, register_banner, register_card
from accounts.models import Approval
from accounts.policy import Can
from children import timeline

from .incidents.hooks import incident_banner, incident_card, incident_events
from .models import CLOSURE_APPROVAL, PLAN_APPROVAL, Case, CaseEvent, DirectService, FollowUp


def case_events(child, user):
    """Each logged step of the child's cases, visible to whoever sees the child."""
    events = CaseEvent.objects.filter(case__child=child, case__in=Case.objects.visible_to(user)).select_related("by")
    for event in events:
        title = _("Case: %(what)s") % {"what": event}
        if event.approval_status:
            title = f"{title} · {event.approval_status_label}"
        yield timeline.Event(when=event.at, kind="case", title=str(title), url=event.get_absolute_url(),
                             detail=event.note)


def direct_service_events(child, user):
    """Family services given without a case (guidance, mediation), for whoever sees the child."""
    for record in DirectService.objects.filter(child=child).select_related("service_type"):
        yield timeline.Event(when=record.served_on, kind="service", title=str(_("Service: %(what)s") % {
            "what": record.service_type}), url=record.get_absolute_url(), detail=record.content)


def follow_ups_due(user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return FollowUp.objects.filter(case__worker=user, done_on__isnull=True, cancelled=False,
                                   due_on__lte=today + datetime.timedelta(days=7))


def _my_open_cases_card(request):
    if not request.user.can(Can.HAVE_CASELOAD):
        return None
    return Card(title=_("My open cases"), url=reverse("cases:list") + "?mine=1",
                value=Case.objects.filter(worker=request.user).open().count())


def _follow_ups_card(request):
    if not request.user.can(Can.HAVE_CASELOAD):
        return None
    due = follow_ups_due(request.user)
    overdue = due.filter(due_on__lt=timezone.localdate()).count()
    return Card(title=_("Follow-ups due this week"), url=reverse("cases:list") + "?followups=1",
                value=due.count(), level="danger" if overdue else "",
                note=_("%(n)s overdue") % {"n": overdue} if overdue else "")


def _pending_approvals_card(request):
    if not request.user.can(Can.SUPERVISE):
        return None
    pending = Approval.objects.filter(kind__in=[PLAN_APPROVAL, CLOSURE_APPROVAL], status=Approval.Status.PENDING)
    count = pending.count()
    return Card(title=_("Plans and closures waiting for approval"),
                url=reverse("admin:cases_case_changelist") + "?pending=yes", value=count,
                level="warning" if count else "")


def _overdue_card(request):
    if not request.user.can(Can.MANAGE_PROJECT):
        return None
    today = timezone.localdate()
    plans = Case.objects.plan_overdue(today).count()
    follow_ups = FollowUp.objects.filter(done_on__isnull=True, cancelled=False, due_on__lt=today).count()
    return Card(title=_("Overdue plans and follow-ups"),
                url=reverse("admin:cases_case_changelist") + "?overdue=yes", value=plans + follow_ups,
                note=_("%(plans)s plans, %(follow_ups)s follow-ups") % {"plans": plans, "follow_ups": follow_ups},
                level="danger" if plans + follow_ups else "")


def tell_the_case_worker(approval, case) -> None:
    """A plan or closure decided: the requester is told by accounts.services; the case's own worker too when
    someone else (the lead, the supervisor, or the worker before a hand-over) asked for it (issue 12 item 8)."""
    from accounts.services import notify

    if case.worker_id is None or case.worker_id == approval.requested_by_id:
        return
    approved = approval.status == Approval.Status.APPROVED
    what = _("The service plan") if approval.kind == PLAN_APPROVAL else _("The closure")
    title = (_("%(what)s of %(case)s was approved") if approved else _("%(what)s of %(case)s was returned for "
                                                                        "revision")) % {"what": what, "case": case}
    notify(recipients=[case.worker], title=str(title), body=approval.comment, url=case.get_absolute_url(),
           key=f"approval:{approval.pk}:decided", level="success" if approved else "warning")


def register() -> None:
    from accounts.services import on_decision

    on_decision(PLAN_APPROVAL, tell_the_case_worker)
    on_decision(CLOSURE_APPROVAL, tell_the_case_worker)
    timeline.register(case_events)
    timeline.register(incident_events)
    timeline.register(direct_service_events)
    register_banner(func=incident_banner)
    register_card(order=12, func=incident_card)
    register_card(order=40, func=cached_per_user(_my_open_cases_card))
    register_card(order=41, func=cached_per_user(_follow_ups_card))
    register_card(order=42, func=cached_per_user(_pending_approvals_card))
    register_card(order=43, func=cached_per_user(_overdue_card))
