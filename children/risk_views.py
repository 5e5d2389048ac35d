"""Risk assessment pages: assess (propose → confirm), a child's assessment history, one assessment,
and recording an event that calls for reassessment. The supervisor reviews in the admin (admin.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.home import Card
from accounts.models import Role

from .forms import RiskAssessmentForm, RiskEventForm
from .models import Child, RiskAssessment, RiskPolicy
from .risk import (
    DIMENSIONS,
    TRIGGERS_BY_CODE,
    reassessment_overdue_q,
    record_findings,
    trigger_label,
    with_reassessment_due,
)
from .services import record_assessment, record_risk_event
from .timeline import Event


def _changeable_child(request, pk) -> Child:
    child = get_object_or_404(Child.objects.visible_to(request.user), pk=pk)
    if not child.can_change(request.user):
        raise PermissionDenied
    return child


@login_required
def risk_assess(request, pk):
    child = _changeable_child(request, pk)
    policy = RiskPolicy.current()
    findings = record_findings(child, policy, timezone.localdate())
    form = RiskAssessmentForm(request.POST or None, child=child, policy=policy, findings=findings)
    if request.method == "POST" and form.is_valid():
        if form.confirming:
            data = form.cleaned_data
            assessment = record_assessment(
                child=child, by=request.user, occasion=data["occasion"], assessed_on=data["assessed_on"],
                scores=data["scores"], triggers=data["triggers"], confirmed_level=data["confirmed_level"],
                reason_for_difference=data["reason_for_difference"], notes=data["notes"])
            messages.success(request, _("Risk level confirmed: %(level)s. The supervisor will review it.")
                             % {"level": assessment.get_confirmed_level_display()})
            return redirect(assessment)
        # The proposal step: show the proposal and offer it as the level to confirm.
        data = request.POST.copy()
        data["confirmed_level"] = data.get("confirmed_level") or form.proposal.level
        form = RiskAssessmentForm(data, child=child, policy=policy, findings=findings)
        form.is_valid()
    return render(request, "children/risk_assess.html", {
        "child": child, "form": form, "findings": findings, "policy": policy, "dimensions": DIMENSIONS,
    })


@login_required
def risk_history(request, pk):
    child = get_object_or_404(Child.objects.visible_to(request.user), pk=pk)
    return _render_history(request, child, RiskEventForm(initial={"occurred_on": timezone.localdate()}))


def _render_history(request, child, event_form, status=200):
    assessments = child.risk_assessments.select_related("assessed_by", "reviewed_by")
    events = child.risk_events.select_related("recorded_by", "resolved_by")
    due = with_reassessment_due(Child.objects.filter(pk=child.pk)).values_list("reassess_due", flat=True).get()
    return render(request, "children/risk_history.html", {
        "child": child, "assessments": assessments, "events": events, "reassess_due": due,
        "today": timezone.localdate(), "can_change": child.can_change(request.user), "event_form": event_form,
    }, status=status)


@login_required
def risk_detail(request, pk, assessment_pk):
    assessment = get_object_or_404(
        RiskAssessment.objects.visible_to(request.user).select_related("child", "assessed_by", "reviewed_by"),
        child_id=pk, pk=assessment_pk)
    policy = RiskPolicy.current()
    fired = assessment.proposal_basis.get("fired", {})
    triggers = [(trigger_label(TRIGGERS_BY_CODE[code], policy), code in fired, fired.get(code, ""))
                for code in assessment.triggers if code in TRIGGERS_BY_CODE]
    scores = [(d, getattr(assessment, f"score_{d.code}")) for d in DIMENSIONS]
    return render(request, "children/risk_detail.html", {
        "assessment": assessment, "child": assessment.child, "scores": scores, "triggers": triggers,
        "thresholds": assessment.proposal_basis.get("thresholds", {}),
        "can_review": request.user.has_role(Role.SUPERVISOR) and request.user.is_staff,
    })


@login_required
@require_POST
def risk_event_new(request, pk):
    child = _changeable_child(request, pk)
    form = RiskEventForm(request.POST)
    if not form.is_valid():
        return _render_history(request, child, form, status=400)
    record_risk_event(child=child, by=request.user, **form.cleaned_data)
    messages.success(request, _("Event recorded: a reassessment is now due."))
    return redirect("children:risk_history", pk=child.pk)


# ---------------------------------------------------------------- home cards and timeline

def reassessments_card(request):
    user = request.user
    if not user.has_role(Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR):
        return None
    today = timezone.localdate()
    due = with_reassessment_due(Child.objects.visible_to(user).in_registry()).filter(
        reassessment_overdue_q(today)).count()
    return Card(title=gettext_lazy("Risk assessments due"), value=due,
                url=reverse("children:list") + "?reassess=due",
                note=gettext_lazy("never assessed, due by policy, or after an event"),
                level="warning" if due else "")


def risk_reviews_card(request):
    user = request.user
    if not (user.has_role(Role.SUPERVISOR) and user.is_staff):
        return None
    pending = RiskAssessment.objects.visible_to(user).filter(review_status=RiskAssessment.Review.PENDING).count()
    return Card(title=gettext_lazy("Risk assessments to review"), value=pending,
                url=reverse("admin:children_riskassessment_changelist") + "?review_status__exact=pending",
                level="warning" if pending else "")


def timeline_events(child, user):
    for assessment in child.risk_assessments.select_related("assessed_by"):
        yield Event(when=assessment.created_at, kind="risk", url=assessment.get_absolute_url(),
                    title=_("Risk assessment: %(level)s") % {"level": assessment.get_confirmed_level_display()},
                    detail=_("Confirmed by %(user)s · %(review)s") % {
                        "user": assessment.assessed_by, "review": assessment.get_review_status_display()})
    for event in child.risk_events.all():
        yield Event(when=event.occurred_on, kind="risk_event", url=event.get_absolute_url(),
                    title=_("Event calling for reassessment: %(kind)s") % {"kind": event.get_kind_display()})


def register_hooks() -> None:
    from accounts.home import register_card

    from . import timeline
    from .services import level_set_elsewhere
    from .signals import risk_level_changed

    risk_level_changed.connect(level_set_elsewhere, dispatch_uid="children.risk.level_set_elsewhere")
    register_card(order=20, func=reassessments_card)
    register_card(order=25, func=risk_reviews_card)
    timeline.register(timeline_events)
