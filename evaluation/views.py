"""Evaluation pages: surveys, question sets and sampling coverage, worker feedback, partners and their feedback,
摸排 coverage, material help. Every fetch goes through the model's visible_to (policy.get_visible_or_404)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.dates import local_today
from accounts.forms import add_service_error
from accounts.policy import Can, get_changeable_or_404, get_visible_or_404, require
from activities.models import Activity
from cases.models import Case
from divisions.models import Division
from visits.models import Visit

from . import services, stats
from .forms import (
    MaterialHelpForm,
    PartnerFeedbackForm,
    PartnerForm,
    QuestionSetForm,
    ResponseForm,
    SamplingTargetForm,
    ScreeningForm,
    SurveyForm,
    WorkerFeedbackForm,
)
from .models import (
    MaterialHelp,
    Partner,
    QuestionSet,
    SamplingTarget,
    Screening,
    Survey,
    WorkerFeedback,
    cases_waiting_for_survey,
)

PAGE_SIZE = 30


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _year_to_date():
    today = local_today()
    return today.replace(month=1, day=1), today


def _period(request):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, defaulting to this calendar year so far."""
    start, end = _year_to_date()
    try:
        start = datetime.date.fromisoformat(request.GET.get("from") or start.isoformat())
        end = datetime.date.fromisoformat(request.GET.get("to") or end.isoformat())
    except ValueError:
        messages.error(request, _("Give the dates as YYYY-MM-DD."))
    return start, max(start, end)


def _area_of(user) -> str | None:
    """The whole city for the project's people; the first county in scope for a county bureau."""
    if user.can(Can.SEE_PROJECT):
        return None
    codes = user.area_codes()
    return codes[0] if codes else "none"


@login_required
def index(request):
    require(request.user, Can.SEE_REGISTRY)
    start, end = _year_to_date()
    figures = stats.period_figures(start, end, area=_area_of(request.user)) if request.user.can(
        Can.SEE_OVERVIEW) else None
    return render(request, "evaluation/index.html", {"figures": figures, "start": start, "end": end,
                                                     "waiting": cases_waiting_for_survey(request.user)[:10]})


# ---------------------------------------------------------------- surveys


@login_required
def survey_list(request):
    require(request.user, Can.SEE_REGISTRY)
    surveys = (Survey.objects.visible_to(request.user)
               .select_related("child", "child__residence", "worker", "question_set").order_by("-done_on", "-id"))
    return render(request, "evaluation/survey_list.html", {
        "page": _page(request, surveys), "waiting": cases_waiting_for_survey(request.user)[:20]})


def _pk(value: str) -> int:
    """An id from the query string; anything but digits is a record that does not exist (404, not 500)."""
    if not value.isdigit():
        raise Http404
    return int(value)


def _occasion(request):
    """The record the survey follows, from ?case=, ?activity= or ?visit= (404 when not visible)."""
    user = request.user
    source = request.GET  # the form posts back to the same address
    if source.get("case"):
        case = get_visible_or_404(Case.objects.select_related("child"), user, pk=_pk(source["case"]))
        if case.stage not in Case.CLOSED_STAGES:
            raise ValidationError(_("A follow-up survey of a case is done after the case is closed."))
        return Survey(context=Survey.Context.CASE_CLOSURE, case=case, child=case.child), None
    if source.get("activity"):
        activity = get_visible_or_404(Activity.objects, user, pk=_pk(source["activity"]))
        if activity.status != Activity.Status.HELD:
            raise ValidationError(_("A survey about an activity is done after it was held."))
        from children.models import Child

        attending = Child.objects.visible_to(user).filter(activities=activity).select_related("residence")
        return Survey(context=Survey.Context.ACTIVITY, activity=activity), attending.order_by("name", "id")
    if source.get("visit"):
        visit = get_visible_or_404(Visit.objects.select_related("child"), user, pk=_pk(source["visit"]))
        return Survey(context=Survey.Context.VISIT, visit=visit, child=visit.child), None
    raise ValidationError(_("Open the survey from a closed case, a held activity or a visit."))


@login_required
def survey_create(request):
    require(request.user, Can.DO_CASEWORK)
    try:
        survey, attending = _occasion(request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluation:survey_list")
    question_set = QuestionSet.current()
    form = SurveyForm(request.POST or None, instance=survey, question_set=question_set, user=request.user,
                      child_choices=attending)
    if request.method == "POST" and form.is_valid():
        survey = form.save(commit=False)
        if attending is not None:
            survey.child = form.cleaned_data["child"]
        survey.question_set = question_set
        try:
            services.record_survey(survey=survey, scores=form.scores(), by=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Survey saved. Thank you."))
            return redirect(survey)
    return render(request, "evaluation/survey_form.html", {"form": form, "survey": survey,
                                                           "question_set": question_set})


@login_required
def survey_detail(request, pk):
    survey = get_visible_or_404(Survey.objects.select_related("child", "worker", "question_set", "case", "activity",
                                                              "visit"), request.user, pk=pk)
    answers = survey.answers.select_related("question").order_by("question__order")
    return render(request, "evaluation/survey_detail.html", {"survey": survey, "answers": answers})


@login_required
def questions(request):
    """The question set: every version with its items; the lead saves a new version."""
    require(request.user, Can.SEE_OVERVIEW)
    current = QuestionSet.current()
    can_edit = request.user.can(Can.LEAD_PROJECT)
    initial = {"questions": "\n".join(q.text for q in current.questions.all())} if current else {}
    form = QuestionSetForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(request.user, Can.LEAD_PROJECT)
        if form.is_valid():
            try:
                services.new_question_set(texts=form.texts(), note=form.cleaned_data["note"], by=request.user)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("A new version of the questions is in use."))
                return redirect("evaluation:questions")
    versions = QuestionSet.objects.prefetch_related("questions").select_related("created_by").annotate(
        n_surveys=Count("surveys"))
    return render(request, "evaluation/questions.html", {"form": form if can_edit else None, "versions": versions})


@login_required
def coverage(request):
    """Sampling coverage against the lead's targets; the lead changes a target here."""
    require(request.user, Can.SEE_OVERVIEW)
    start, end = _period(request)
    targets = {t.context: t for t in SamplingTarget.objects.all()}
    if request.method == "POST":
        require(request.user, Can.LEAD_PROJECT)
        target = targets.get(request.POST.get("context"))
        if target is None:
            target = SamplingTarget(context=request.POST.get("context", ""))
        form = SamplingTargetForm(request.POST, instance=target)
        if target.context in Survey.Context.values and form.is_valid():
            target = form.save(commit=False)
            target.updated_by, target.updated_at = request.user, timezone.now()
            target.save()
            messages.success(request, _("Sampling target saved."))
            return redirect("evaluation:coverage")
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    rows = stats.survey_coverage(start, end, area=_area_of(request.user))
    return render(request, "evaluation/coverage.html", {
        "rows": rows, "start": start, "end": end, "can_edit": request.user.can(Can.LEAD_PROJECT)})


# ---------------------------------------------------------------- workers' feedback (社工反馈)


@login_required
def feedback_list(request):
    feedback = WorkerFeedback.objects.visible_to(request.user).select_related("worker", "responded_by")
    return render(request, "evaluation/feedback_list.html", {
        "page": _page(request, feedback), "can_write": request.user.can(Can.HAVE_CASELOAD)})


@login_required
def feedback_create(request):
    require(request.user, Can.HAVE_CASELOAD)
    form = WorkerFeedbackForm(request.POST or None, worker=request.user)
    if request.method == "POST" and form.is_valid():
        feedback = form.save()
        messages.success(request, _("Feedback sent to the supervisor."))
        return redirect(feedback)
    return render(request, "evaluation/form.html", {"form": form, "title": _("Monthly feedback"),
                                                    "cancel": "evaluation:feedback_list"})


@login_required
def feedback_detail(request, pk):
    feedback = get_visible_or_404(WorkerFeedback.objects.select_related("worker", "responded_by"), request.user, pk=pk)
    can_respond = feedback.can_respond(request.user)
    return render(request, "evaluation/feedback_detail.html", {
        "feedback": feedback, "can_change": feedback.can_change(request.user),
        "response_form": ResponseForm(instance=feedback) if can_respond else None})


@login_required
def feedback_edit(request, pk):
    feedback = get_changeable_or_404(WorkerFeedback.objects, request.user, pk=pk)
    form = WorkerFeedbackForm(request.POST or None, instance=feedback, worker=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Feedback saved."))
        return redirect(feedback)
    return render(request, "evaluation/form.html", {"form": form, "title": _("Monthly feedback"),
                                                    "cancel": "evaluation:feedback_list"})


@require_POST
@login_required
def feedback_respond(request, pk):
    feedback = get_visible_or_404(WorkerFeedback.objects.select_related("worker"), request.user, pk=pk)
    if not feedback.can_respond(request.user):
        raise PermissionDenied
    form = ResponseForm(request.POST, instance=feedback)
    if not form.is_valid():
        return render(request, "evaluation/feedback_detail.html", {
            "feedback": feedback, "response_form": form}, status=400)
    feedback = form.save(commit=False)
    feedback.responded_by, feedback.responded_at = request.user, timezone.now()
    feedback.save(update_fields=["response", "responded_by", "responded_at"])
    from accounts.services import notify

    notify(recipients=[feedback.worker], title=_("Your supervisor answered your monthly feedback"),
           url=feedback.get_absolute_url(), key=f"evaluation.feedback.{feedback.pk}.{int(feedback.responded_at.timestamp())}")
    messages.success(request, _("Response saved; the social worker is told."))
    return redirect(feedback)


# ---------------------------------------------------------------- partners (合作单位) and their feedback


@login_required
def partner_list(request):
    require(request.user, Can.SEE_REGISTRY)
    partners = (Partner.objects.visible_to(request.user).select_related("county", "resource")
                .annotate(n_feedback=Count("feedback"), last=Max("feedback__received_on"))
                # a grouped query drops Meta.ordering; pages need a stable order
                .order_by("kind", "name", "pk"))
    return render(request, "evaluation/partner_list.html", {
        "page": _page(request, partners), "can_create": request.user.can(Can.DO_CASEWORK)})


@login_required
def partner_edit(request, pk=None):
    require(request.user, Can.DO_CASEWORK)
    partner = get_changeable_or_404(Partner.objects, request.user, pk=pk) if pk else Partner(created_by=request.user)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        partner = form.save()
        messages.success(request, _("Partner saved."))
        return redirect(partner)
    return render(request, "evaluation/form.html", {"form": form, "title": _("Partner organisation"),
                                                    "cancel": "evaluation:partner_list"})


@login_required
def partner_detail(request, pk):
    partner = get_visible_or_404(Partner.objects.select_related("county", "resource", "created_by"), request.user,
                                 pk=pk)
    feedback = partner.feedback.select_related("entered_by")
    can_enter = request.user.can(Can.DO_CASEWORK)
    return render(request, "evaluation/partner_detail.html", {
        "partner": partner, "feedback": feedback, "can_change": partner.can_change(request.user),
        "form": PartnerFeedbackForm(partner=partner, initial={"received_on": local_today()}) if can_enter else None})


@require_POST
@login_required
def partner_feedback_add(request, pk):
    partner = get_visible_or_404(Partner.objects, request.user, pk=pk)
    require(request.user, Can.DO_CASEWORK)
    form = PartnerFeedbackForm(request.POST, partner=partner)
    if form.is_valid():
        feedback = form.save(commit=False)
        feedback.entered_by = request.user
        feedback.save()
        messages.success(request, _("Feedback recorded."))
        return redirect(partner)
    return render(request, "evaluation/partner_detail.html", {
        "partner": partner, "feedback": partner.feedback.select_related("entered_by"), "form": form,
        "can_change": partner.can_change(request.user)}, status=400)


# ---------------------------------------------------------------- 摸排 coverage


@login_required
def screening_list(request):
    """Coverage as a table county → town, and → village for the town asked for (?town=)."""
    require(request.user, Can.SEE_REGISTRY)
    visible = Screening.objects.visible_to(request.user)
    town_code = request.GET.get("town", "")
    # 1: villages per town; 2: the screenings grouped by town; 3: the names of counties and towns.
    villages_per_town = dict(Division.objects.filter(level=Division.Level.VILLAGE).values_list(
        Substr("code", 1, 9)).annotate(n=Count("code")).order_by())
    done = {row["town"]: row for row in visible.values(town=Substr("village_id", 1, 9)).annotate(
        villages=Count("village", distinct=True), screened=Sum("screened"), entered=Sum("entered"),
        last=Max("ended_on")).order_by()}
    counties = []
    for division in Division.objects.filter(level__in=[Division.Level.COUNTY, Division.Level.TOWN]).order_by("code"):
        if division.level == Division.Level.COUNTY:
            county = {"division": division, "towns": [], "villages": 0, "surveyed": 0, "screened": 0, "entered": 0}
            counties.append(county)
            continue
        row = done.get(division.code, {})
        town = {"division": division, "villages": villages_per_town.get(division.code, 0),
                "surveyed": row.get("villages", 0), "screened": row.get("screened") or 0,
                "entered": row.get("entered") or 0, "last": row.get("last")}
        county["towns"].append(town)
        for key in ("villages", "surveyed", "screened", "entered"):
            county[key] += town[key]
    town = villages = None
    if len(town_code) == 9:
        town = Division.objects.filter(code=town_code, level=Division.Level.TOWN).first()
    if town:
        rounds = {}
        for screening in visible.filter(village__code__startswith=town.code).select_related("entered_by"):
            rounds.setdefault(screening.village_id, []).append(screening)
        villages = [(v, rounds.get(v.code, [])) for v in Division.objects.filter(
            level=Division.Level.VILLAGE, code__startswith=town.code).order_by("code")]
    return render(request, "evaluation/screening_list.html", {
        "counties": counties, "town": town, "villages": villages,
        "can_create": request.user.can(Can.DO_CASEWORK)})


@login_required
def screening_edit(request, pk=None):
    require(request.user, Can.DO_CASEWORK)
    screening = (get_changeable_or_404(Screening.objects, request.user, pk=pk) if pk
                 else Screening(entered_by=request.user))
    form = ScreeningForm(request.POST or None, instance=screening,
                         initial=None if pk else {"surveyors": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            screening = form.save()
        messages.success(request, _("Screening saved."))
        return redirect(screening)
    return render(request, "evaluation/form.html", {"form": form, "title": _("Screening (摸排) of a village"),
                                                    "cancel": "evaluation:screening_list"})


@login_required
def screening_detail(request, pk):
    screening = get_visible_or_404(Screening.objects.select_related("village", "entered_by"), request.user, pk=pk)
    return render(request, "evaluation/screening_detail.html", {
        "screening": screening, "surveyors": screening.surveyors.all(),
        "reasons": [(Screening._meta.get_field(name).verbose_name, getattr(screening, name))
                    for name in Screening.REASON_FIELDS],
        "can_change": screening.can_change(request.user)})


# ---------------------------------------------------------------- material help (物质帮助)


@login_required
def help_list(request):
    require(request.user, Can.SEE_REGISTRY)
    given = MaterialHelp.objects.visible_to(request.user).select_related("child", "donor", "recorded_by")
    return render(request, "evaluation/help_list.html", {
        "page": _page(request, given), "can_create": request.user.can(Can.DO_CASEWORK),
        "total": given.aggregate(total=Sum("value"))["total"]})


@login_required
def help_create(request):
    require(request.user, Can.DO_CASEWORK)
    form = MaterialHelpForm(request.POST or None, user=request.user, instance=MaterialHelp(recorded_by=request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Material help recorded."))
        return redirect("evaluation:help_list")
    return render(request, "evaluation/form.html", {"form": form, "title": _("Material help"),
                                                    "cancel": "evaluation:help_list"})
