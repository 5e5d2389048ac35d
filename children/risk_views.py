"""Risk assessment pages: assess (propose → confirm), a child's assessment history, one assessment,
and recording an event that calls for reassessment. The supervisor reviews in the admin (admin.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import Can, get_changeable_or_404, get_visible_or_404
from accounts.services import audit

from .forms import RiskAssessmentForm, RiskEventForm
from .models import Child, RiskAssessment, RiskPolicy
from .risk import (
    DIMENSIONS,
    TRIGGERS_BY_CODE,
    record_findings,
    trigger_label,
    with_reassessment_due,
)
from .services import (
    high_risk_without_case,
    record_assessment,
    record_no_case_reason,
    record_risk_event,
    report_findings,
)


@login_required
def risk_assess(request, pk):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    policy = RiskPolicy.current()
    findings = {**record_findings(child, policy, timezone.localdate()), **report_findings(child)}
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
    child = get_visible_or_404(Child.objects, request.user, pk=pk)
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
    assessment = get_visible_or_404(
        RiskAssessment.objects.select_related("child", "assessed_by", "reviewed_by"), request.user,
        child_id=pk, pk=assessment_pk)
    audit(user=request.user, action="risk.view", target=assessment, request=request)
    policy = RiskPolicy.current()
    fired = assessment.proposal_basis.get("fired", {})
    triggers = [(trigger_label(TRIGGERS_BY_CODE[code], policy), code in fired, fired.get(code, ""))
                for code in assessment.triggers if code in TRIGGERS_BY_CODE]
    scores = [(d, getattr(assessment, f"score_{d.code}")) for d in DIMENSIONS]
    return render(request, "children/risk_detail.html", {
        "assessment": assessment, "child": assessment.child, "scores": scores, "triggers": triggers,
        "thresholds": assessment.proposal_basis.get("thresholds", {}),
        "can_review": request.user.can(Can.SUPERVISE) and request.user.is_staff,
    })


@login_required
@require_POST
def risk_event_new(request, pk):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    form = RiskEventForm(request.POST)
    if not form.is_valid():
        return _render_history(request, child, form, status=400)
    record_risk_event(child=child, by=request.user, **form.cleaned_data)
    messages.success(request, _("Event recorded: a reassessment is now due."))
    return redirect("children:risk_history", pk=child.pk)


def may_decide_cases(user) -> bool:
    """The lead (and the supervisor) decide whether a high-risk child gets a case."""
    return user.can(Can.LEAD_PROJECT) or user.can(Can.SUPERVISE)


@login_required
def high_risk_no_case(request):
    """高风险未开案: children confirmed high risk with no open case; the lead opens one or records why not."""
    if not may_decide_cases(request.user):
        raise PermissionDenied
    children = (high_risk_without_case(request.user).select_related("residence", "social_worker")
                .order_by("name", "id"))
    return render(request, "children/high_risk_no_case.html", {
        "children": children, "case_url": reverse("cases:case_create")})


@require_POST
@login_required
def no_case_reason(request, pk):
    if not may_decide_cases(request.user):
        raise PermissionDenied
    child = get_visible_or_404(Child.objects, request.user, pk=pk)
    try:
        record_no_case_reason(child=child, reason=request.POST.get("reason", ""), by=request.user)
    except ValidationError:
        messages.error(request, _("Say why no case is opened."))
    else:
        messages.success(request, _("The reason is recorded; %(child)s leaves the list until the level changes.")
                         % {"child": child.name})
    return redirect("children:high_risk_no_case")
