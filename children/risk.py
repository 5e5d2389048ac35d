"""Risk grading (分级分色, docs/domain.md §4): the six dimensions, the override triggers, the proposal,
and when the next assessment is due. The services that record an assessment or an event that calls
for one are in children/services.py.

The system only *proposes* a level; a person confirms it (with a reason when they differ) and the
supervisor reviews it. Thresholds, which triggers count and at what level, and the reassessment
cadence are fields of `RiskPolicy`, which the project lead edits in the admin.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Child, RiskAssessment, RiskEvent, RiskLevel, RiskPolicy

REVIEW_KIND = "risk_review"

# Highest first; a proposal takes the highest level reached by the score or any trigger.
LEVEL_RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM_LOW: 1, RiskLevel.MEDIUM_HIGH: 2, RiskLevel.HIGH: 3}


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    help: str


DIMENSIONS = (
    Dimension("family", _("Family composition"),
              _("Parents away, dead, missing or in prison; how often they call and come home.")),
    Dimension("care", _("Guardianship and care"),
              _("Whether the guardian or caregiver can look after the child: age, health, supervision, daily care.")),
    Dimension("schooling", _("School enrolment and attendance"),
              _("Enrolled and attending, truancy, falling behind, risk of dropping out.")),
    Dimension("health", _("Physical and mental health"),
              _("Illness, disability, rehabilitation, mood, behaviour, self-harm.")),
    Dimension("economy", _("Family economy"),
              _("Income, debts, benefits received or missing.")),
    Dimension("safety", _("Living safety"),
              _("Water nearby (drowning), wiring and fire, an unsafe house, traffic.")),
)
SCORE_CHOICES = [
    (0, _("0 · no concern")),
    (1, _("1 · minor concern")),
    (2, _("2 · clear concern")),
    (3, _("3 · serious concern")),
]
MAX_SCORE = 3


# ---------------------------------------------------------------- override triggers

def months_between(earlier: datetime.date, later: datetime.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def _living_alone(child, policy, day) -> str:
    return gettext("The record says the child lives alone without a guardian.") if child.lives_alone else ""


def _caregiver_unfit(child, policy, day) -> str:
    if not child.caregiver_name:
        return ""
    if child.caregiver_age is not None and child.caregiver_age >= policy.caregiver_old_age:
        return gettext("The caregiver %(name)s is %(age)s years old.") % {
            "name": child.caregiver_name, "age": child.caregiver_age}
    if child.caregiver_health in (Child.CaregiverHealth.POOR, Child.CaregiverHealth.SERIOUS):
        return gettext("The caregiver %(name)s is in %(health)s health.") % {
            "name": child.caregiver_name, "health": child.get_caregiver_health_display()}
    if child.caregiver_disqualifications:
        return gettext("The caregiver %(name)s has a disqualification under art. 22.") % {
            "name": child.caregiver_name}
    return ""


def _parents_away(child) -> list:
    return [p for p in child.parents.all() if p.situation == p.Situation.WORKING_AWAY]


def _parents_rare_contact(child, policy, day) -> str:
    away = [p for p in _parents_away(child) if p.contact_frequency]
    if away and all(p.contacts_less_than_weekly for p in away):
        return gettext("The record says the parents working away contact the child less than once a week.")
    return ""


def _parents_not_met(child, policy, day) -> str:
    away = _parents_away(child)
    if away and all(p.last_met_on and months_between(p.last_met_on, day) > policy.parents_not_met_months
                    for p in away):
        return gettext("The parents working away last met the child on %(date)s.") % {
            "date": max(p.last_met_on for p in away).isoformat()}
    return ""


def _out_of_school(child, policy, day) -> str:
    if child.school_stage in (Child.SchoolStage.DROPPED_OUT, Child.SchoolStage.OUT_OF_SCHOOL):
        return gettext("The record says: %(stage)s.") % {"stage": child.get_school_stage_display()}
    return ""


def _untreated_condition(child, policy, day) -> str:
    serious = (child.health in (Child.Health.SERIOUS, Child.Health.DISABLED)
               or (child.disability_grade is not None and child.disability_grade <= 2))
    if serious and not child.receives_rehabilitation:
        return gettext("The record shows a serious illness or disability and no rehabilitation or medical aid.")
    return ""


@dataclass(frozen=True)
class Trigger:
    code: str
    label: str
    default_level: str
    # The trigger applies only to children younger than this (e.g. "under 16 living alone").
    under_age: int | None = None
    # Reads the record; returns why the trigger seems to apply, or "".
    from_record: Callable | None = None


TRIGGERS = (
    Trigger("mandatory_report", _("A situation that must be reported (abuse, violence, serious neglect)"),
            RiskLevel.HIGH),
    Trigger("living_alone", _("Under 16 and living alone without a guardian"), RiskLevel.HIGH, under_age=16,
            from_record=_living_alone),
    Trigger("unattended", _("Under 8 and left unattended"), RiskLevel.HIGH, under_age=8),
    Trigger("missing", _("The child is missing"), RiskLevel.HIGH),
    Trigger("no_fit_caregiver", _("The guardian cannot care for the child and there is no fit caregiver"),
            RiskLevel.HIGH),
    Trigger("self_harm", _("Risk of self-harm or suicide"), RiskLevel.HIGH),
    Trigger("pregnancy", _("Pregnant and under 14"), RiskLevel.HIGH, under_age=14),
    Trigger("caregiver_unfit", _("The caregiver is %(age)s or older, ill or unfit"), RiskLevel.MEDIUM_HIGH,
            from_record=_caregiver_unfit),
    Trigger("parents_rare_contact", _("The parents contact the child less than once a week"),
            RiskLevel.MEDIUM_HIGH, from_record=_parents_rare_contact),
    Trigger("parents_not_met", _("The parents have not met the child for more than %(months)s months"), RiskLevel.MEDIUM_HIGH,
            from_record=_parents_not_met),
    Trigger("out_of_school", _("Out of school (dropped out or never enrolled)"), RiskLevel.MEDIUM_HIGH,
            from_record=_out_of_school),
    Trigger("untreated_condition", _("Serious disability or illness without rehabilitation or aid"),
            RiskLevel.MEDIUM_HIGH, from_record=_untreated_condition),
    Trigger("poverty_not_enrolled", _("The family is below the subsistence line but not enrolled in 低保"),
            RiskLevel.MEDIUM_HIGH),
)
TRIGGERS_BY_CODE = {t.code: t for t in TRIGGERS}


def trigger_label(trigger: Trigger, policy: RiskPolicy) -> str:
    """The trigger's wording with the policy's numbers filled in."""
    return str(trigger.label) % {"age": policy.caregiver_old_age, "months": policy.parents_not_met_months} \
        if "%(" in str(trigger.label) else str(trigger.label)


def validate_trigger_levels(levels) -> None:
    if not isinstance(levels, dict):
        raise ValidationError(_("The override triggers must map each trigger to a level."))
    unknown = sorted(set(levels) - set(TRIGGERS_BY_CODE))
    if unknown:
        raise ValidationError(_("Unknown override triggers: %(codes)s. Remove them.") % {"codes": ", ".join(unknown)})
    allowed = set(RiskLevel.values) | {""}
    wrong = sorted(code for code, level in levels.items() if level not in allowed)
    if wrong:
        raise ValidationError(_("Choose a risk level, or switch the trigger off, for: %(codes)s.")
                              % {"codes": ", ".join(wrong)})


def applicable_triggers(child: Child, policy: RiskPolicy, day: datetime.date) -> list[Trigger]:
    """Triggers the policy has switched on and that fit this child's age on that day."""
    age = child.age_on(day)
    return [t for t in TRIGGERS if policy.trigger_level(t.code) and (t.under_age is None or age < t.under_age)]


def record_findings(child: Child, policy: RiskPolicy, day: datetime.date) -> dict[str, str]:
    """{trigger code: why the record suggests it}: the form ticks these, the worker checks them."""
    found = {}
    for trigger in applicable_triggers(child, policy, day):
        if trigger.from_record and (why := trigger.from_record(child, policy, day)):
            found[trigger.code] = why
    return found


# ---------------------------------------------------------------- proposal

@dataclass
class Proposal:
    level: str
    total: int
    score_level: str
    fired: dict  # {trigger code: level it forces}

    @property
    def label(self) -> str:
        return RiskLevel(self.level).label

    def basis(self, policy: RiskPolicy) -> dict:
        """What the proposal rested on, kept with the assessment: the policy changes over time."""
        return {"total": self.total, "score_level": self.score_level, "fired": self.fired,
                "thresholds": {"high": policy.score_high, "medium_high": policy.score_medium_high,
                               "medium_low": policy.score_medium_low}}


def level_for_score(total: int, policy: RiskPolicy) -> str:
    if total >= policy.score_high:
        return RiskLevel.HIGH
    if total >= policy.score_medium_high:
        return RiskLevel.MEDIUM_HIGH
    if total >= policy.score_medium_low:
        return RiskLevel.MEDIUM_LOW
    return RiskLevel.LOW


def propose(*, scores: dict[str, int], triggers: Iterable[str], policy: RiskPolicy, age: int) -> Proposal:
    """The level the system proposes from the six scores and the triggers found."""
    total = sum(scores[d.code] for d in DIMENSIONS)
    score_level = level_for_score(total, policy)
    fired = {}
    for code in triggers:
        trigger = TRIGGERS_BY_CODE.get(code)
        level = policy.trigger_level(code) if trigger else ""
        if level and (trigger.under_age is None or age < trigger.under_age):
            fired[code] = level
    level = max([score_level, *fired.values()], key=LEVEL_RANK.__getitem__)
    return Proposal(level=str(level), total=total, score_level=str(score_level), fired=fired)


# ---------------------------------------------------------------- reassessment due

def reassessment_due_expression():
    """For a Child queryset: the earlier of the periodic date of the latest assessment and the due date
    of any unanswered event; NULL for a child never assessed (an intake assessment is due)."""
    latest = (RiskAssessment.objects.filter(child=OuterRef("pk")).order_by("-assessed_on", "-id")
              .values("next_reassessment_on")[:1])
    event = (RiskEvent.objects.filter(child=OuterRef("pk"), resolved_by__isnull=True).order_by("reassess_by")
             .values("reassess_by")[:1])
    periodic, after_event = Subquery(latest), Subquery(event)
    # LEAST treats NULL differently on SQLite and PostgreSQL; coalescing each side makes both agree.
    return Least(Coalesce(periodic, after_event), Coalesce(after_event, periodic))


def with_reassessment_due(children: QuerySet) -> QuerySet:
    """Annotate `reassess_due` (see reassessment_due_expression)."""
    return children.annotate(reassess_due=reassessment_due_expression())


def reassessment_due_q(today: datetime.date):
    """Children whose reassessment is due by `today` (reassessment_due_expression ≤ today, or NULL), as
    three uncorrelated subqueries the database answers each once (hashed), not two scalar subqueries
    evaluated per child: for the home card and the list's "due now" filter at city scale."""
    from django.db.models import Exists, Q

    later = RiskAssessment.objects.filter(child=OuterRef("child")).filter(
        Q(assessed_on__gt=OuterRef("assessed_on")) | Q(assessed_on=OuterRef("assessed_on"), id__gt=OuterRef("id")))
    latest_due = (RiskAssessment.objects.filter(next_reassessment_on__lte=today).filter(~Exists(later))
                  .values("child_id"))
    open_events = RiskEvent.objects.filter(resolved_by__isnull=True)
    event_due = open_events.filter(reassess_by__lte=today).values("child_id")
    never = ~Q(pk__in=RiskAssessment.objects.values("child_id")) & ~Q(pk__in=open_events.values("child_id"))
    return Q(pk__in=latest_due) | Q(pk__in=event_due) | never


def reassessment_overdue_q(today: datetime.date):
    from django.db.models import Q

    return Q(reassess_due__lte=today) | Q(reassess_due__isnull=True)
