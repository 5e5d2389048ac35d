import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.dates import add_months, day_start, local_date, local_today
from accounts.policy import Can, get_changeable_or_404, get_visible_or_404, require
from accounts.services import approval_history
from children.models import Child
from divisions.models import Division

from . import services
from .forms import ActivityForm, ArticleForm, AttendeeFormSet, DecisionForm, PhotoForm, PublishForm, SubmitArticleForm
from .models import Activity, ActivityKind, ActivityPhoto, Article, ArticleImage, ContractYear, TrainingAttendee
from .stats import period_summary
from .targets import evaluate


def can_create(user) -> bool:
    """The project team writes activities and articles; the bureau reads and reviews."""
    if not user.is_active:
        return False
    return user.can(Can.MANAGE_PROJECT) or (user.can(Can.HAVE_CASELOAD) and bool(user.area_codes()))


# ---------------------------------------------------------------- activities

@login_required
def list(request):  # noqa: A001  the URL name activities:list is fixed
    activities = Activity.objects.visible_to(request.user).select_related("county", "place", "organiser").annotate(
        n_photos=Count("photos")).order_by("-starts_at", "-id")  # GROUP BY drops Meta.ordering
    kind, status, county = request.GET.get("kind", ""), request.GET.get("status", ""), request.GET.get("county", "")
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    if status in Activity.Status.values:
        activities = activities.filter(status=status)
    if county:
        activities = activities.filter(county_id=county)
    mine = request.GET.get("mine") == "1"
    if mine:
        activities = activities.filter(organiser=request.user)
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    return render(request, "activities/list.html", {
        "page": page, "kinds": ActivityKind.choices, "statuses": Activity.Status.choices,
        "counties": Division.objects.counties(), "kind": kind, "status": status, "county": county, "mine": mine,
        "now": timezone.now(), "can_create": can_create(request.user)})


@login_required
def create(request):
    if not can_create(request.user):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.organiser = form.instance.created_by = request.user
            activity = form.save()
            services.set_attendance(activity=activity, chosen=form.cleaned_data["registered_children"],
                                    by=request.user)
        messages.success(request, _("Activity saved."))
        return redirect(activity)
    return render(request, "activities/form.html", {"form": form})


ACTIVITY_PAGE = Activity.objects.select_related("place", "county", "organiser", "created_by")


@login_required
def detail(request, pk):
    return _detail(request, get_visible_or_404(ACTIVITY_PAGE, request.user, pk=pk))


def _detail(request, activity, attendee_formset=None, status=200):
    visible_children = Child.objects.visible_to(request.user)
    attending = activity.registered_children.filter(pk__in=visible_children.values("pk")).select_related("residence")
    hidden = activity.registered_children.exclude(pk__in=visible_children.values("pk")).count()
    return render(request, "activities/detail.html", {
        "activity": activity, "attending": attending, "hidden_children": hidden,
        "registered_total": len(attending) + hidden,
        "photos": activity.photos.all(), "attendees": activity.attendees.select_related("division"),
        "articles": Article.objects.visible_to(request.user).filter(activity=activity),
        "can_change": activity.can_change(request.user), "photo_form": PhotoForm(),
        "attendee_formset": (attendee_formset or AttendeeFormSet(prefix="attendees"))
        if activity.kind == ActivityKind.TRAINING else None}, status=status)


@login_required
def edit(request, pk):
    activity = get_changeable_or_404(ACTIVITY_PAGE, request.user, pk=pk)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.set_attendance(activity=activity, chosen=form.cleaned_data["registered_children"],
                                    by=request.user)
        messages.success(request, _("Activity saved."))
        return redirect(activity)
    return render(request, "activities/form.html", {"form": form, "activity": activity})


@require_POST
@login_required
def photo_add(request, pk):
    activity = get_changeable_or_404(ACTIVITY_PAGE, request.user, pk=pk)
    return _add_picture(request, activity, services.add_photo, "activity", _("Photo added."))


def _add_picture(request, owner, add, owner_arg: str, done_message) -> HttpResponse:
    """Add a photo to an activity or an image to an article; form errors go back as messages."""
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        add(**{owner_arg: owner}, upload=form.cleaned_data["image"], caption=form.cleaned_data["caption"],
            by=request.user)
        messages.success(request, done_message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(owner)


def _serve(photo) -> FileResponse:
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def photo(request, pk):
    return _serve(get_object_or_404(ActivityPhoto, activity__in=Activity.objects.visible_to(request.user), pk=pk))


@require_POST
@login_required
def attendee_add(request, pk):
    """The people trained, entered as a list in one form (docs/activities.md): all saved, or none."""
    activity = get_changeable_or_404(ACTIVITY_PAGE, request.user, pk=pk)
    formset = AttendeeFormSet(request.POST, prefix="attendees")
    if formset.is_valid():
        try:
            made = services.record_attendees(activity=activity, rows=formset.rows(), by=request.user)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("%(count)d attendees added.") % {"count": len(made)})
            return redirect(activity)
    return _detail(request, activity, attendee_formset=formset, status=200)


@require_POST
@login_required
def attendee_delete(request, pk, attendee_pk):
    activity = get_changeable_or_404(ACTIVITY_PAGE, request.user, pk=pk)
    get_object_or_404(TrainingAttendee, activity=activity, pk=attendee_pk).delete()
    return redirect(activity)


# ---------------------------------------------------------------- calendar and targets

WEEKDAY_NAMES = [pgettext_lazy("calendar", "Mon"), pgettext_lazy("calendar", "Tue"), pgettext_lazy("calendar", "Wed"),
                 pgettext_lazy("calendar", "Thu"), pgettext_lazy("calendar", "Fri"), pgettext_lazy("calendar", "Sat"),
                 pgettext_lazy("calendar", "Sun")]


@login_required
def month_calendar(request):
    today = local_today()
    try:
        first = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    following = add_months(first, 1)
    activities = Activity.objects.visible_to(request.user).filter(
        starts_at__gte=day_start(first), starts_at__lt=day_start(following)).exclude(
        status=Activity.Status.CANCELLED).select_related("county").order_by("starts_at")
    by_day: dict[datetime.date, list] = {}
    for activity in activities:
        by_day.setdefault(local_date(activity.starts_at), []).append(activity)
    weeks = [[{"day": datetime.date(first.year, first.month, d) if d else None,
               "activities": by_day.get(datetime.date(first.year, first.month, d), []) if d else []}
              for d in week] for week in calendar.Calendar(firstweekday=0).monthdayscalendar(first.year, first.month)]
    return render(request, "activities/calendar.html", {
        "first": first, "weeks": weeks, "weekday_names": WEEKDAY_NAMES,
        "month_label": _("%(year)s-%(month)s") % {"year": first.year, "month": first.month}, "today": today,
        "days": sorted(by_day.items()), "previous": add_months(first, -1), "next": following})


@login_required
def targets(request):
    if not (can_create(request.user) or request.user.can(Can.REVIEW_ARTICLES)):
        raise PermissionDenied
    years = ContractYear.objects.all()
    year = None
    if request.GET.get("year", "").isdigit():
        year = get_object_or_404(years, pk=request.GET["year"])
    year = year or ContractYear.current()
    tracker = evaluate(year) if year else None
    return render(request, "activities/targets.html", {
        "tracker": tracker, "years": years, "year": year,
        "summary": period_summary(year.signed_on, tracker.ends_on) if year else None})


# ---------------------------------------------------------------- articles

@login_required
def article_list(request):
    articles = Article.objects.visible_to(request.user).select_related("author").annotate(
        n_images=Count("images")).order_by("-updated_at", "-id")
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    return render(request, "activities/article_list.html", {
        "page": page, "statuses": Article.Status.choices, "status": status, "can_create": can_create(request.user),
        "is_bureau": request.user.can(Can.REVIEW_ARTICLES)})


@login_required
def article_create(request):
    if not can_create(request.user):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.author = request.user
        article = form.save()
        messages.success(request, _("Draft saved. Add images if any, then submit it to the bureau."))
        return redirect(article)
    return render(request, "activities/article_form.html", {"form": form})


ARTICLE_PAGE = Article.objects.select_related("author", "activity")


CHECKLIST_LABELS = [Article._meta.get_field(name).verbose_name
                    for name in ("uses_pseudonyms", "no_faces", "no_school", "no_address")]


@login_required
def article_detail(request, pk):
    article = get_visible_or_404(ARTICLE_PAGE, request.user, pk=pk)
    history = approval_history(article, Article.APPROVAL_KIND)
    is_reviewer = request.user.can(Can.REVIEW_ARTICLES) and article.status == Article.Status.SUBMITTED
    return render(request, "activities/article_detail.html", {
        "article": article, "images": article.images.all(), "history": history, "checklist": CHECKLIST_LABELS,
        "can_change": article.can_change(request.user), "can_publish": article.can_publish(request.user),
        "submit_form": SubmitArticleForm(), "image_form": PhotoForm(),
        "decision_form": DecisionForm() if is_reviewer else None, "publish_form": PublishForm()})


@login_required
def article_edit(request, pk):
    article = get_changeable_or_404(ARTICLE_PAGE, request.user, pk=pk)
    form = ArticleForm(request.POST or None, instance=article, user=request.user)
    if request.method == "POST" and form.is_valid():
        article = form.save(commit=False)
        article.clear_checklist()  # the checklist is ticked for the text as submitted
        article.save()
        messages.success(request, _("Article saved."))
        return redirect(article)
    return render(request, "activities/article_form.html", {"form": form, "article": article})


@require_POST
@login_required
def article_image_add(request, pk):
    article = get_changeable_or_404(ARTICLE_PAGE, request.user, pk=pk)
    return _add_picture(request, article, services.add_article_image, "article", _("Image added."))


@login_required
def article_image(request, pk):
    return _serve(get_object_or_404(ArticleImage, article__in=Article.objects.visible_to(request.user), pk=pk))


@require_POST
@login_required
def article_submit(request, pk):
    article = get_changeable_or_404(ARTICLE_PAGE, request.user, pk=pk)
    form = SubmitArticleForm(request.POST)
    if not form.is_valid():
        return render(request, "activities/article_detail.html", {
            "article": article, "images": article.images.all(),
            "history": approval_history(article, Article.APPROVAL_KIND), "can_change": True,
            "submit_form": form, "image_form": PhotoForm()}, status=400)
    with transaction.atomic():
        article.uses_pseudonyms = article.no_faces = article.no_school = article.no_address = True
        article.save(update_fields=["uses_pseudonyms", "no_faces", "no_school", "no_address", "updated_at"])
        try:
            services.submit_article(article=article, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            transaction.set_rollback(True)
            for error in exc.messages:
                messages.error(request, error)
            return redirect(article)
    messages.success(request, _("Submitted to the bureau for review."))
    return redirect(article)


@login_required
def review_list(request):
    """The bureau's own review desk: articles waiting, then those it decided."""
    require(request.user, Can.REVIEW_ARTICLES)
    articles = Article.objects.visible_to(request.user).select_related("author")
    return render(request, "activities/review_list.html", {
        "waiting": articles.filter(status=Article.Status.SUBMITTED).order_by("submitted_at", "id"),
        "decided": articles.exclude(status=Article.Status.SUBMITTED).order_by("-updated_at")[:50]})


@require_POST
@login_required
def article_decide(request, pk):
    article = get_visible_or_404(ARTICLE_PAGE, request.user, pk=pk)
    require(request.user, Can.REVIEW_ARTICLES)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(article)
    try:
        services.decide_article(article=article, by=request.user, approve=form.cleaned_data["decision"] == "approve",
                                comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(article)
    messages.success(request, _("Decision recorded."))
    return redirect("activities:review_list")


@require_POST
@login_required
def article_publish(request, pk):
    article = get_visible_or_404(ARTICLE_PAGE, request.user, pk=pk)
    if not article.can_publish(request.user):
        raise PermissionDenied
    form = PublishForm(request.POST, instance=Article.objects.get(pk=article.pk))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(article)
    try:
        services.publish_article(article=article, by=request.user, media=form.cleaned_data["media"],
                                 published_on=form.cleaned_data["published_on"], link=form.cleaned_data["link"])
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(article)
    messages.success(request, _("Publication recorded."))
    return redirect(article)

