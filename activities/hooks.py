"""What activities contributes to other apps' pages: home cards (the contract-target tracker, the
bureau's review queue, articles to record). `register()` is called from ActivitiesConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.home import Card, cached_per_user, register_card
from accounts.policy import Can


def targets_card(request):
    from .models import ContractYear
    from .targets import evaluate

    if not request.user.can(Can.SEE_PROJECT):
        return None
    year = ContractYear.current()
    if year is None:
        return Card(title=_("Contract targets"), url=reverse("activities:targets"), level="warning",
                    note=_("No contract year is set up yet."))
    tracker = evaluate(year)
    return Card(title=_("Contract targets"), template="activities/cards/targets.html",
                url=reverse("activities:targets"), context={"tracker": tracker}, level=tracker.level)


def review_card(request):
    from .models import Article

    if not request.user.can(Can.REVIEW_ARTICLES):
        return None
    waiting = Article.objects.filter(status=Article.Status.SUBMITTED).count()
    return Card(title=_("Articles waiting for review"), url=reverse("activities:review_list"), value=waiting,
                level="warning" if waiting else "")


def to_record_card(request):
    """A worker's planned activities whose time has passed: record them as held, or cancel them."""
    from django.utils import timezone

    from .models import Activity

    if not request.user.can(Can.HAVE_CASELOAD):
        return None
    overdue = Activity.objects.filter(organiser=request.user, status=Activity.Status.PLANNED,
                                      starts_at__lt=timezone.now()).count()
    if not overdue:
        return None
    return Card(title=_("Activities to record"), url=reverse("activities:list") + "?status=planned&mine=1",
                value=overdue, level="warning",
                note=_("Their time has passed: record how they went, or mark them cancelled."))


def register() -> None:
    register_card(order=50, func=targets_card)
    register_card(order=51, func=cached_per_user(review_card))
    register_card(order=52, func=cached_per_user(to_record_card))
