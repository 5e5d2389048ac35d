import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.concurrency import claim_version
from accounts.forms import add_service_error
from accounts.models import Approval
from accounts.policy import Can, get_changeable_or_404, require
from accounts.services import audit, latest_approval, pending_approval
from children.models import Child
from divisions.models import Division

from . import services
from .forms import (
    AssessmentForm,
    ClosureForm,
    EvaluationForm,
    FollowUpForm,
    GoalFormSet,
    IntakeForm,
    NoteForm,
    PlanForm,
    PlannedServiceFormSet,
    ReferralForm,
    ReferralUpdateForm,
    ReopenForm,
    ResourceForm,
    ServiceRecordForm,
    SubmitPlanForm,
)
from .models import (
    CLOSURE_APPROVAL,
    PLAN_APPROVAL,
    Case,
    FollowUp,
    GoalEvaluation,
    PlannedService,
    Referral,
    Resource,
    ResourceType,
    SupervisionNote,
)
from .pdf import family_calls_of, render_case_pdf


def _step(request, case, template_context) -> HttpResponse:
    return render(request, "cases/step_form.html", {"case": case, **template_context})


# ---------------------------------------------------------------- list, intake, detail

CASES_SHOWN = 300


@login_required
def case_list(request):
    require(request.user, Can.SEE_REGISTRY)  # the administrator has no registry: 403, not an empty list
    cases = Case.objects.visible_to(request.user).select_related("child", "worker")
    stage = request.GET.get("stage")
    if stage in Case.Stage.values:
        cases = cases.filter(stage=stage)
    if request.GET.get("mine"):
        cases = cases.filter(worker=request.user)
    if request.GET.get("followups"):  # the home card: follow-ups due within a week, or overdue
        due = FollowUp.objects.pending().filter(due_on__lte=timezone.localdate() + datetime.timedelta(days=7))
        cases = cases.filter(pk__in=due.values("case_id"))
    # the dashboard's links (docs/reports.md): open on a day, opened in a period — as cases.stats counts them
    dates = {key: _date_param(request.GET.get(key)) for key in ("open_on", "opened_from", "opened_to")}
    if day := dates["open_on"]:
        cases = cases.filter(Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day)))
    if day := dates["opened_from"]:
        cases = cases.filter(opened_on__gte=day)
    if day := dates["opened_to"]:
        cases = cases.filter(opened_on__lte=day)
    shown = list(cases[:CASES_SHOWN])
    count = len(shown) if len(shown) < CASES_SHOWN else cases.count()  # a COUNT only when the list is cut
    return render(request, "cases/list.html", {"cases": shown, "count": count,
                                               "stages": Case.Stage.choices, "stage": stage,
                                               "mine": bool(request.GET.get("mine")),
                                               "dates": {k: v for k, v in dates.items() if v}})


def _date_param(value: str | None) -> datetime.date | None:
    """An ISO date from the query string; a hand-edited one that is not a date is ignored, not a 500."""
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def case_create(request):
    """接案; ?child=<pk>&visit=<pk> prefills it from a visit."""
    require(request.user, Can.DO_CASEWORK)
    initial = {}
    if (child_pk := request.GET.get("child", "")).isdigit():  # a hand-edited ?child=x is ignored, not a 500
        child = get_object_or_404(Child.objects.visible_to(request.user), pk=child_pk)
        initial["child"] = child.pk
        initial["source"] = Case.Source.VISIT
        if (visit_pk := request.GET.get("visit", "")).isdigit():
            initial["source_note"] = _("Found during visit #%(visit)s.") % {"visit": visit_pk}
    form = IntakeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = services.open_case(child=data["child"], by=request.user, source=data["source"],
                                  source_note=data["source_note"], reason=data["reason"],
                                  opened_on=data["opened_on"])
        messages.success(request, _("Case opened. Next: the assessment."))
        return redirect(case)
    return render(request, "cases/case_form.html", {"form": form})


def _case_file(case: Case, user) -> dict:
    """Everything recorded on a case, each kind fetched once."""
    plans = list(case.plans.select_related("created_by", "updated_by").prefetch_related(
        "goals", Prefetch("services", queryset=PlannedService.objects.select_related("service_type"))))
    return {
        "assessments": list(case.assessments.select_related("created_by")),
        "plans": plans,
        "plan": plans[-1] if plans else None,
        "service_records": list(case.services.select_related("service_type", "created_by")),
        "notes": list(case.notes.select_related("created_by")),
        "referrals": list(case.referrals.select_related("resource__type", "created_by", "updated_by")),
        "evaluations": list(case.evaluations.select_related("created_by").prefetch_related(
            Prefetch("goal_results", queryset=GoalEvaluation.objects.select_related("goal")))),
        "closures": list(case.closures.select_related("created_by")),
        "follow_ups": list(case.follow_ups.select_related("done_by")),
        "events": list(case.events.select_related("by")),
        # Notes on this case, and the supervisor's notes on this case's worker (seen by that worker and managers).
        "supervision_notes": list(SupervisionNote.objects.visible_to(user).filter(
            Q(case=case) | Q(case__isnull=True, worker=case.worker_id)).select_related("created_by")),
    }


def _returned(case, kind):
    """The last decision on a plan or closure when it sent it back (its comment is shown to the worker)."""
    latest = latest_approval(case, kind)
    return latest if latest and latest.status == Approval.Status.RETURNED else None


@login_required
def case_detail(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("child__residence", "worker"),
                             pk=pk)
    family_calls = family_calls_of(case, request.user)
    audit(user=request.user, action="case.view", target=case, request=request)
    return render(request, "cases/detail.html", {
        "case": case, **_case_file(case, request.user), "can_change": case.can_change(request.user),
        "pending": pending_approval(case, PLAN_APPROVAL) or pending_approval(case, CLOSURE_APPROVAL),
        "plan_approved": case.plan_is_approved(), "family_calls": family_calls,
        "plan_returned": _returned(case, PLAN_APPROVAL), "closure_returned": _returned(case, CLOSURE_APPROVAL),
        "today": timezone.localdate(),
        # a closed case's follow-up survey (evaluation.Survey.case's reverse accessor; cases imports no evaluation)
        "survey": None if case.is_open else case.surveys.first(),
    })


# ---------------------------------------------------------------- steps

@login_required
def case_assess(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(case=case, by=request.user, assessment=form.save(commit=False))
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Assessment")})


@login_required
def case_plan(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    try:
        services.check_plan_editable(case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(case)
    plan = services.plan_for_editing(case, request.user)
    before = plan.fingerprint() if plan.pk else ""
    data = request.POST or None
    form = PlanForm(data, instance=plan)
    goals = GoalFormSet(data, instance=plan, prefix="goals")
    planned = PlannedServiceFormSet(data, instance=plan, prefix="services")
    if request.method == "POST" and form.is_valid() and goals.is_valid() and planned.is_valid():
        try:
            with transaction.atomic():
                if plan.pk:  # refused when someone saved the plan since this form was opened
                    claim_version(plan, form.cleaned_data["version"])
                plan = form.save()
                kept = goals.save(commit=False)
                for goal in goals.deleted_objects:
                    goal.delete()
                last = max((g.order for g in plan.goals.all()), default=0)
                for goal in kept:  # a new row goes after the goals already there
                    if goal.pk is None:
                        last += 1
                        goal.order = last
                    goal.save()
                planned.save()
                services.plan_saved(case=case, plan=plan, by=request.user, fingerprint_before=before)
            messages.success(request, _("Service plan saved. Submit it for approval when it is ready."))
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "formsets": [(_("Goals"), goals), (_("Planned services"), planned)],
                                 "title": _("Service plan")})


@login_required
def case_plan_submit(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = SubmitPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_plan(case=case, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("The service plan was sent to the supervisor."))
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Submit the service plan for approval"),
                                 "submit_label": _("Submit for approval")})


@login_required
def case_service_add(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = ServiceRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_service(case=case, by=request.user, record=form.save(commit=False))
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Service record")})


@login_required
def case_note_add(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_note(case=case, by=request.user, text=form.cleaned_data["text"])
        return redirect(case)
    return _step(request, case, {"form": form, "title": _("Case note")})


@login_required
def case_referral_add(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = ReferralForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.refer(case=case, by=request.user, resource=data["resource"], need=data["need"],
                           sent_on=data["sent_on"])
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Referral")})


@login_required
def referral_update(request, pk):
    referral = get_object_or_404(Referral.objects.visible_to(request.user).select_related("case__child"), pk=pk)
    case = referral.case
    if not case.can_change(request.user):
        raise PermissionDenied
    old_status = referral.status
    form = ReferralUpdateForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referral.status = old_status  # the service checks the move from the stored status
        try:
            with transaction.atomic():  # refused when someone updated the referral since this form was opened
                claim_version(referral, data["version"])
                services.update_referral(referral=referral, by=request.user, status=data["status"],
                                         outcome=data["outcome"])
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": referral})


@login_required
def case_evaluate(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    plan = case.plan
    form = EvaluationForm(request.POST or None, goals=plan.goals.all() if plan else [])
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.record_evaluation(case=case, by=request.user, evaluation=form.save(commit=False),
                                           results=form.goal_results())
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Evaluation")})


@login_required
def case_close(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.request_closure(case=case, by=request.user, reason=form.cleaned_data["reason"],
                                         summary=form.cleaned_data["summary"])
            messages.success(request, _("The closure was sent to the supervisor."))
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Closure"), "submit_label": _("Submit for approval")})


@login_required
def follow_up_record(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.visible_to(request.user).select_related("case__child"), pk=pk)
    case = follow_up.case
    if not case.can_change(request.user):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(follow_up=follow_up, by=request.user, **form.cleaned_data)
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": follow_up})


@login_required
def case_reopen(request, pk):
    case = get_changeable_or_404(Case.objects.select_related("child", "worker"), request.user, pk=pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_case(case=case, by=request.user, reason=form.cleaned_data["reason"])
            return redirect(case)
        except ValidationError as exc:
            add_service_error(form, exc)
    return _step(request, case, {"form": form, "title": _("Reopen the case")})


@login_required
def case_pdf(request, pk):
    """The whole case file as one PDF (个案帮扶的完整记录); every export is in the audit log."""
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("child__residence", "worker"),
                             pk=pk)  # not visible → 404 before the capability, as for every object page
    require(request.user, Can.PRINT_CASE_FILE)
    audit(user=request.user, action="case.exported_pdf", target=case, request=request)
    response = HttpResponse(render_case_pdf(case, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}.pdf"'
    return response


# ---------------------------------------------------------------- resource directory

@login_required
def resource_list(request):
    resources = Resource.objects.visible_to(request.user).select_related("type").prefetch_related("counties")
    type_pk, county = request.GET.get("type"), request.GET.get("county")
    if type_pk and type_pk.isdigit():
        resources = resources.filter(type_id=type_pk)
    if county:
        resources = resources.covering(county)
    if not request.GET.get("all"):
        resources = resources.filter(active=True)
    return render(request, "cases/resource_list.html", {
        "resources": resources, "types": ResourceType.objects.all(), "counties": Division.objects.counties(),
        "type_pk": type_pk, "county": county,
        "can_add": request.user.can(Can.DO_CASEWORK)})


@login_required
def resource_detail(request, pk):
    resource = get_object_or_404(Resource.objects.visible_to(request.user).select_related("type"), pk=pk)
    referrals = (Referral.objects.visible_to(request.user).filter(resource=resource)
                 .select_related("case__child").order_by("-sent_on"))
    return render(request, "cases/resource_detail.html", {"resource": resource, "referrals": referrals,
                                                          "can_change": resource.can_change(request.user)})


@login_required
def resource_edit(request, pk=None):
    resource = None
    if pk is not None:
        resource = get_object_or_404(Resource.objects.visible_to(request.user), pk=pk)
    if not Resource().can_change(request.user):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if resource is not None:  # refused when someone saved the entry since this form was opened
                    claim_version(resource, form.cleaned_data["version"])
                resource = form.save(commit=False)
                if resource.created_by_id is None:
                    resource.created_by = request.user
                resource.save()
                form.save_m2m()
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect(resource)
    return render(request, "cases/resource_form.html", {"form": form, "resource": resource})

