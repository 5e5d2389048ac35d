"""What the registry contributes to the home page and the 个人档案 timeline, and the signal it
listens to; connected once in ChildrenConfig.ready() (positions: docs/architecture.md)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.home import Card, cached_per_user, register_card
from accounts.policy import Can

from . import timeline
from .models import Child, RiskAssessment
from .risk import reassessment_due_q
from .timeline import Event

# ---------------------------------------------------------------- home cards


def turning_age_card(request):
    """Children turning 16 (left-behind) or 18 in the next 60 days."""
    from .views import turning_age_querysets

    if not request.user.can(Can.SEE_REGISTRY):
        return None
    turning16, turning18 = turning_age_querysets(request.user)
    count = turning16.count() + turning18.count()
    return Card(title=_("Turning 16 or 18 within 60 days"), url=reverse("children:turning_age"), value=count,
                level="warning" if count else "")


def pending_category_card(request):
    """Children imported 待细分 whose exact category is still to be recorded."""
    from .import_views import pending_children

    if not request.user.can(Can.DO_CASEWORK):
        return None
    count = pending_children(request.user).count()
    if not count:
        return None
    return Card(title=gettext_lazy("Category to be confirmed (待细分)"), url=reverse("children:pending"), value=count,
                level="warning")


def high_risk_no_case_card(request):
    """高风险未开案 for the lead: each child gets a case or a recorded reason."""
    from .risk_views import may_decide_cases
    from .services import high_risk_without_case

    if not may_decide_cases(request.user):
        return None
    count = high_risk_without_case(request.user).count()
    return Card(title=gettext_lazy("High risk, no case opened"), url=reverse("children:high_risk_no_case"),
                value=count, level="danger" if count else "")


def reassessments_card(request):
    user = request.user
    if not user.can(Can.DO_CASEWORK):
        return None
    today = timezone.localdate()
    # Three hashed subqueries, not two scalar subqueries per child (issue 17).
    due = Child.objects.visible_to(user).in_registry().filter(reassessment_due_q(today)).count()
    return Card(title=gettext_lazy("Risk assessments due"), value=due,
                url=reverse("children:list") + "?reassess=due",
                note=gettext_lazy("never assessed, due by policy, or after an event"),
                level="warning" if due else "")


def risk_reviews_card(request):
    user = request.user
    if not (user.can(Can.SUPERVISE) and user.is_staff):  # the review happens in the admin
        return None
    pending = RiskAssessment.objects.visible_to(user).filter(review_status=RiskAssessment.Review.PENDING).count()
    return Card(title=gettext_lazy("Risk assessments to review"), value=pending,
                url=reverse("admin:children_riskassessment_changelist") + "?review_status__exact=pending",
                level="warning" if pending else "")


# ---------------------------------------------------------------- timeline

def registry_events(child: Child, user):
    """Category recognition and exit (the entry date is on the page's identity card)."""
    for link in child.category_links.all():
        yield Event(when=link.recognised_on, kind="category",
                    title=_("Recognised as %(category)s") % {"category": link.category.name}, detail=link.basis,
                    url=reverse("children:category_edit", args=[child.pk, link.pk]) if child.can_change(user) else "")
    if child.exited_on:
        yield Event(when=child.exited_on, kind="registry", title=_("Left the registry: %(reason)s") % {
            "reason": child.get_exit_reason_display()}, detail=child.exit_note)


def risk_events(child: Child, user):
    """Risk assessments and the events that called for one."""
    for assessment in child.risk_assessments.select_related("assessed_by"):
        yield Event(when=assessment.created_at, kind="risk", url=assessment.get_absolute_url(),
                    title=_("Risk assessment: %(level)s") % {"level": assessment.get_confirmed_level_display()},
                    detail=_("Confirmed by %(user)s · %(review)s") % {
                        "user": assessment.assessed_by, "review": assessment.get_review_status_display()})
    for event in child.risk_events.all():
        yield Event(when=event.occurred_on, kind="risk_event", url=event.get_absolute_url(),
                    title=_("Event calling for reassessment: %(kind)s") % {"kind": event.get_kind_display()})


def register() -> None:
    """Called once from ChildrenConfig.ready()."""
    from accounts.services import on_decision

    from . import tally
    from .risk import REVIEW_KIND
    from .services import level_set_elsewhere, review_decided
    from .signals import risk_level_changed

    tally.connect()
    risk_level_changed.connect(level_set_elsewhere, dispatch_uid="children.risk.level_set_elsewhere")
    on_decision(REVIEW_KIND, review_decided)
    register_card(order=18, func=cached_per_user(high_risk_no_case_card))
    register_card(order=20, func=cached_per_user(reassessments_card))
    register_card(order=25, func=cached_per_user(risk_reviews_card))
    register_card(order=28, func=cached_per_user(turning_age_card))
    register_card(order=29, func=cached_per_user(pending_category_card))
    timeline.register(risk_events)
    timeline.register(registry_events)
