"""Writes across several registry models, and the audited reads of sensitive data; recording a risk
assessment or an event that calls for one (the rules they apply are in children/risk.py).

`create_child` is the one way a child enters the registry with all its rows (the form and the
ledger import both use it): everything is saved in one transaction or nothing is.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.dates import add_months
from accounts.policy import RISK_REVIEWER
from accounts.services import audit, notify, request_approval

from . import idnumber
from .models import (
    Benefit,
    BenefitEnrolment,
    Category,
    Child,
    ChildCategory,
    HouseholdMember,
    Parent,
    RiskAssessment,
    RiskEvent,
    RiskLevel,
    RiskPolicy,
    birthday_years_ago,
)
from .risk import REVIEW_KIND, propose
from .timeline import events_for

# ---------------------------------------------------------------- duplicates

def find_by_id_number(number: str) -> Child | None:
    """The child with this ID number anywhere in the registry (not scoped: callers decide what to say)."""
    return Child.objects.with_id_number(number).first() if idnumber.normalise(number) else None


def duplicate_error(existing: Child, user) -> ValidationError:
    """A link when the user may open the existing record; otherwise nothing about it leaks."""
    if user is not None and Child.objects.visible_to(user).filter(pk=existing.pk).exists():
        message = format_html(
            _('This ID number is already registered: <a href="{url}">{name}</a>. '
              'Open that record and update it instead of entering the child again.'),
            url=existing.get_absolute_url(), name=existing.name)
    else:
        # Nothing about where or whom: only that it cannot be done and who can look (issue 11).
        message = _("This ID number cannot be registered. Ask the project lead.")
    return ValidationError(message, code="duplicate_id_number")


# ---------------------------------------------------------------- creating a child

def _category(value) -> Category:
    return value if isinstance(value, Category) else Category.objects.get(code=value)


def _benefit(value) -> Benefit:
    return value if isinstance(value, Benefit) else Benefit.objects.get(code=value)


@transaction.atomic
def create_child(*, data: dict, by, parents: Iterable[dict] = (), household: Iterable[dict] = (),
                 categories: Iterable[dict] = (), enrolments: Iterable[dict] = ()) -> Child:
    """Create a child and its parents, household members, category tags and benefit enrolments.

    `data` holds Child field values (already validated by a form or the import). Categories are
    dicts with `category` (a Category or its code), `recognised_on`, `basis`, optional
    `review_on`/`evidence`; enrolments have `benefit` (object or code), `status` and dates.
    Raises ValidationError (code "duplicate_id_number") when the ID number is already registered,
    also when a concurrent request registered it a moment earlier.
    """
    child = Child(**data)
    if not child.created_by_id and by is not None:
        child.created_by = by
    child._history_user = by
    if child.id_number:
        child.id_number = idnumber.validate(child.id_number)
        existing = find_by_id_number(child.id_number)
        if existing:
            raise duplicate_error(existing, by)
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError as exc:
        existing = find_by_id_number(child.id_number) if child.id_number else None
        if existing:
            raise duplicate_error(existing, by) from exc
        raise
    for row in parents:
        parent = Parent(child=child, **row)
        parent._history_user = by
        parent.save()
    for row in household:
        member = HouseholdMember(child=child, **row)
        member._history_user = by
        member.save()
    for row in categories:
        row = dict(row)
        link = ChildCategory(child=child, category=_category(row.pop("category")), created_by=by, **row)
        link._history_user = by
        link.save()
    for row in enrolments:
        row = dict(row)
        enrolment = BenefitEnrolment(child=child, benefit=_benefit(row.pop("benefit")), **row)
        enrolment._history_user = by
        enrolment.save()
    return child


# ---------------------------------------------------------------- audited reads

def record_view(*, child: Child, by, request=None, what: str = "profile") -> None:
    """Opening a 个人档案 (or its PDF) shows sensitive data: one audit entry per view."""
    audit(user=by, action=f"child.view_{what}", target=child, request=request)


def reveal_id_number(*, child: Child, by, request=None) -> str:
    """The full ID number, with exactly one audit entry saying who saw it (R4)."""
    audit(user=by, action="child.reveal_id_number", target=child, request=request)
    return child.id_number


# ---------------------------------------------------------------- change history

HIDDEN_FIELDS = {"updated_at", "id_number_index", "guardian_phone_index", "caregiver_phone_index", "phone_index",
                 "name_pinyin", "name_initials", "name_pinyin_given", "child", "created_at", "created_by", "version"}
MASKED_FIELDS = {"id_number"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    kind: str  # "+" added, "~" changed, "-" removed
    changes: list[Change] = field(default_factory=list)


def _display(model_field, value, cache: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.name in MASKED_FIELDS:
        return idnumber.mask(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.name == "caregiver_disqualifications":
        labels = dict(Child.Disqualification.choices)
        return "、".join(str(labels.get(v, v)) for v in value) or "—"
    if isinstance(model_field, models.ForeignKey):
        key = (model_field.related_model, value)
        if key not in cache:
            cache[key] = str(model_field.related_model._default_manager.filter(pk=value).first() or value)
        return cache[key]
    return str(value)


def _entries(history_qs, what, cache) -> list[HistoryEntry]:
    model = history_qs.model.instance_type
    fields = {f.name: f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.name != "id"}
    previous: dict = {}
    entries = []
    for record in history_qs.select_related("history_user").order_by("history_date", "history_id"):
        who = str(record.history_user) if record.history_user else _("system")
        label = what(record)
        before = previous.get(record.id)
        entry = HistoryEntry(when=record.history_date, who=who, what=label, kind=record.history_type)
        if record.history_type == "~" and before is not None:
            for model_field in fields.values():
                old = getattr(before, model_field.attname)
                new = getattr(record, model_field.attname)
                if old != new:
                    entry.changes.append(Change(str(model_field.verbose_name), _display(model_field, old, cache),
                                                _display(model_field, new, cache)))
            if not entry.changes:
                previous[record.id] = record
                continue
        previous[record.id] = record
        entries.append(entry)
    return entries


def change_history(child: Child) -> list[HistoryEntry]:
    """Every change to the child and its rows: who, when, old → new (newest first).

    Kept by django-simple-history in ordinary tables, so SQLite and PostgreSQL behave the same.
    """
    cache: dict = {}
    entries = _entries(child.history.all(), lambda r: _("child record"), cache)
    entries += _entries(Parent.history.filter(child_id=child.pk),
                        lambda r: f"{pgettext('family', 'parent')}：{dict(Parent.Kind.choices).get(r.kind)} {r.name}", cache)
    entries += _entries(HouseholdMember.history.filter(child_id=child.pk),
                        lambda r: f"{_('household member')}：{r.name}", cache)
    categories = {c.pk: c.name for c in Category.objects.all()}
    entries += _entries(ChildCategory.history.filter(child_id=child.pk),
                        lambda r: f"{_('category')}：{categories.get(r.category_id, '')}", cache)
    benefits = {b.pk: b.name for b in Benefit.objects.all()}
    entries += _entries(BenefitEnrolment.history.filter(child_id=child.pk),
                        lambda r: f"{_('benefit')}：{benefits.get(r.benefit_id, '')}", cache)
    return sorted(entries, key=lambda e: e.when, reverse=True)


# ---------------------------------------------------------------- the 个人档案

PROFILE_PREFETCH = ["parents", "household_members", "category_links__category", "benefit_enrolments__benefit",
                    "benefit_enrolments__checked_by"]
PROFILE_SELECT = ["residence", "hukou", "social_worker", "child_director", "child_supervisor", "village_contact",
                  "created_by", "household"]


def profile_context(child: Child, user) -> dict:
    """Everything of the 个人档案, for the page and the PDF (child fetched with PROFILE_SELECT and
    PROFILE_PREFETCH, so each related table is read once)."""
    return {
        "child": child,
        "parents": child.parents.all(),
        "household": child.household_members.all(),
        "category_links": child.category_links.all(),
        "enrolments": child.benefit_enrolments.all(),
        "missing_benefits": child.missing_benefits(),
        "timeline": events_for(child, user),
        "history": change_history(child),
        "can_change": child.can_change(user),
        "disqualification_labels": [Child.Disqualification(v).label for v in child.caregiver_disqualifications
                                    if v in Child.Disqualification.values],
        "today": timezone.localdate(),
    }


# ---------------------------------------------------------------- risk grading

@transaction.atomic
def record_assessment(*, child: Child, by, occasion: str, assessed_on: datetime.date, scores: dict[str, int],
                      triggers: list[str], confirmed_level: str, reason_for_difference: str = "",
                      notes: str = "") -> RiskAssessment:
    """Keep the assessment, set the child's confirmed level, close the events it answers and ask a
    supervisor to review it."""
    policy = RiskPolicy.current()
    proposal = propose(scores=scores, triggers=triggers, policy=policy, age=child.age_on(assessed_on))
    assessment = RiskAssessment(
        child=child, occasion=occasion, assessed_on=assessed_on, assessed_by=by,
        **{f"score_{code}": value for code, value in scores.items()},
        triggers=sorted(proposal.fired) + sorted(set(triggers) - set(proposal.fired)),
        total_score=proposal.total, proposed_level=proposal.level, confirmed_level=confirmed_level,
        reason_for_difference=reason_for_difference.strip() if confirmed_level != proposal.level else "",
        notes=notes, proposal_basis=proposal.basis(policy),
        next_reassessment_on=add_months(assessed_on, policy.reassess_months),
    )
    assessment.full_clean()
    assessment.save()
    RiskEvent.objects.filter(child=child, resolved_by__isnull=True, occurred_on__lte=assessed_on).update(
        resolved_by=assessment)
    child._level_from_assessment = True  # tells level_set_elsewhere this change needs no new event
    try:
        child.set_risk_level(confirmed_level, by=by)
    finally:
        del child._level_from_assessment
    request_approval(
        obj=assessment, kind=REVIEW_KIND, by=by, approver_role=RISK_REVIEWER,
        title=_("Risk assessment of %(child)s waiting for review") % {"child": child.name},
        note=_("Proposed %(proposed)s, confirmed %(confirmed)s.") % {
            "proposed": assessment.get_proposed_level_display(), "confirmed": assessment.get_confirmed_level_display()},
    )
    return assessment


# A discovery report's situations (cases.models.incident.Situation codes) → the override trigger each one
# points to; a reassessment while the report's event is open ticks these (docs/risk.md).
REPORT_TRIGGERS = {
    "alone": "living_alone", "guardian": "no_fit_caregiver", "domestic_violence": "mandatory_report",
    "injury": "mandatory_report", "m1_private_parts": "mandatory_report",
    "m2_girl_under_14": "mandatory_report", "m3_girl_14_plus": "mandatory_report", "m4_abuse": "mandatory_report",
    "m5_disabled_or_dead": "self_harm", "m6_abandoned": "unattended", "m7_missing": "missing",
    "m8_begging": "mandatory_report", "m9_other": "mandatory_report",
}


@transaction.atomic
def record_risk_event(*, child: Child, kind: str, occurred_on: datetime.date | None = None, note: str = "",
                      by=None, situations: Iterable[str] = ()) -> RiskEvent:
    """Something happened that calls for a reassessment at once (a report, a new guardian, a stay
    in hospital, dropping out). Other apps call this; the child's worker is told. `situations`: a
    discovery report's situation codes, kept as the triggers the reassessment ticks."""
    occurred_on = occurred_on or timezone.localdate()
    policy = RiskPolicy.current()
    triggers = list(dict.fromkeys(REPORT_TRIGGERS[s] for s in situations if s in REPORT_TRIGGERS))
    event = RiskEvent.objects.create(
        child=child, kind=kind, occurred_on=occurred_on, note=note, recorded_by=by, triggers=triggers,
        reassess_by=occurred_on + datetime.timedelta(days=policy.reassess_after_event_days))
    if child.social_worker_id and child.social_worker_id != getattr(by, "pk", None):
        notify(recipients=[child.social_worker], level="warning", url=event.get_absolute_url(),
               title=_("Reassess the risk of %(child)s: %(event)s") % {
                   "child": child.name, "event": event.get_kind_display()},
               key=f"risk_event:{event.pk}")
    return event


def review_decided(approval, assessment: RiskAssessment) -> None:
    """A returned risk review makes a reassessment due, however it was returned (admin, page, shell)."""
    if approval.status == approval.Status.RETURNED:
        record_risk_event(child=assessment.child, kind=RiskEvent.Kind.REVIEW_RETURNED, note=approval.comment,
                          by=approval.decided_by)


def level_set_elsewhere(sender, *, child: Child, old: str, new: str, by, **kwargs) -> None:
    """risk_level_changed receiver: a level set outside an assessment (a discovery report confirming
    high risk) makes a full reassessment due at once, so the six dimensions catch up with it."""
    if getattr(child, "_level_from_assessment", False):
        return
    record_risk_event(child=child, kind=RiskEvent.Kind.LEVEL_SET, by=by,
                      note=_("Risk level set to %(level)s without an assessment.") % {
                          "level": RiskLevel(new).label if new else "—"})


# ---------------------------------------------------------------- events found in a record's changes

CARE_FIELDS = ("guardian_name", "guardian_relation", "caregiver_name", "caregiver_relation")


def snapshot(child: Child) -> dict:
    """What record_change_events compares: the care fields, schooling and the parents' situations."""
    if not child.pk:
        return {}
    values = Child.objects.filter(pk=child.pk).values(*CARE_FIELDS, "school_stage").get()
    values["parents"] = dict(child.parents.values_list("kind", "situation"))
    return values


def record_change_events(*, child: Child, before: dict, by) -> list[RiskEvent]:
    """A change of guardian or caregiver, a dropout, a parent coming home or leaving to work away:
    each makes a reassessment due at once (issue 13 item 2). A first entry of an empty field is not
    a change."""
    if not before:
        return []
    after = snapshot(child)
    events = []
    changed = [f for f in CARE_FIELDS if before[f] and before[f] != after[f]]
    if changed:
        labels = "、".join(str(Child._meta.get_field(f).verbose_name) for f in changed)
        events.append(record_risk_event(child=child, kind=RiskEvent.Kind.GUARDIAN_CHANGE, by=by,
                                        note=_("Changed on the record: %(fields)s.") % {"fields": labels}))
    if after["school_stage"] == Child.SchoolStage.DROPPED_OUT and before["school_stage"] != after["school_stage"]:
        events.append(record_risk_event(child=child, kind=RiskEvent.Kind.DROPOUT, by=by,
                                        note=_("The record now says the child dropped out of school.")))
    moves = {Parent.Situation.AT_HOME, Parent.Situation.WORKING_AWAY}
    moved = [kind for kind, situation in after["parents"].items()
             if before["parents"].get(kind) in moves and situation in moves and before["parents"][kind] != situation]
    if moved:
        notes = [_("%(parent)s: %(situation)s") % {"parent": Parent.Kind(kind).label,
                                                   "situation": Parent.Situation(after["parents"][kind]).label}
                 for kind in moved]
        events.append(record_risk_event(child=child, kind=RiskEvent.Kind.PARENT_MOVE, by=by, note="；".join(notes)))
    return events


def report_findings(child: Child) -> dict[str, str]:
    """{trigger code: why} from the child's open discovery-report events (not yet answered by an
    assessment): the reassessment ticks these."""
    found = {}
    for event in child.risk_events.filter(kind=RiskEvent.Kind.REPORT, resolved_by__isnull=True):
        for code in event.triggers:
            found.setdefault(code, _("A discovery report of %(date)s is open.") % {"date": event.occurred_on})
    return found


def high_risk_without_case(user):
    """高风险未开案: registered children confirmed high risk with no open case and no reason recorded."""
    return (Child.objects.visible_to(user).in_registry().filter(risk_level=RiskLevel.HIGH, no_case_reason="")
            .exclude(cases__stage__in=_open_stage_exclusion()))


def _open_stage_exclusion():
    """The stages of an open case (the cases app's; read from its model so the two never disagree)."""
    case_model = Child._meta.get_field("cases").related_model
    return [stage for stage in case_model.Stage.values if stage not in case_model.CLOSED_STAGES]


@transaction.atomic
def record_no_case_reason(*, child: Child, reason: str, by) -> Child:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why no case is opened.")})
    child.no_case_reason = reason[:200]
    child._history_user = by
    child._change_reason = str(_("High risk, no case opened"))
    child.save(update_fields=["no_case_reason", "updated_at"])
    audit(user=by, action="children.no_case_reason", target=child)
    return child


# ---------------------------------------------------------------- categories end on the day (issue 13 item 3)

def end_categories(*, today: datetime.date | None = None) -> int:
    """Every category tag of a registered child whose age limit is reached today or earlier ends: 留守
    at 16, the others at 18 (`Category.max_age`). The tag is removed with a reason in the change history,
    and the child's worker (else the lead) gets a task: exit the child, or record the remaining tags.
    Idempotent (an ended tag is gone; notifications are keyed), so the daily run may repeat."""
    from accounts.policy import Can
    from accounts.services import users_who_can

    today = today or timezone.localdate()
    ended = 0
    for category in Category.objects.all():
        # Born on 29 February: the birthday is 28 February in a common year (as Child.birthday says).
        cutoff = max(birthday_years_ago(today, category.max_age),
                     birthday_years_ago(today + datetime.timedelta(days=1), category.max_age)
                     - datetime.timedelta(days=1))
        links = (ChildCategory.objects.filter(category=category, child__status=Child.Status.REGISTERED,
                                              child__birth_date__lte=cutoff)
                 .select_related("child", "child__social_worker"))
        for link in links:
            child = link.child
            with transaction.atomic():
                link._change_reason = str(_("Ended at %(age)s (%(date)s)") % {
                    "age": category.max_age, "date": child.birthday(category.max_age)})
                link.delete()
                remaining = list(child.category_links.values_list("category__name", flat=True))
                if remaining:
                    body = _("Remaining categories: %(names)s. Check that they still hold, or exit the child.") % {
                        "names": "、".join(remaining)}
                elif category.max_age >= 18:
                    body = _("The child is 18 and leaves the registry: record the exit.")
                else:
                    body = _("No category is left: exit the child, or record the category that now applies.")
                recipients = ([child.social_worker] if child.social_worker_id
                              else list(users_who_can(Can.LEAD_PROJECT)))
                notify(recipients=recipients, level="warning", url=child.get_absolute_url() + "#categories",
                       title=_("%(child)s turned %(age)s: %(category)s ended") % {
                           "child": child.name, "age": category.max_age, "category": category.name},
                       body=body, key=f"category_end:{link.pk}")
            ended += 1
    return ended


HOME_PROVINCE = "44"  # 广东: the division code prefix of a 本省户籍


def ineligible_q() -> models.Q:
    """Tags whose checkable facts the record contradicts (as eligibility_problems, in one query)."""
    return (models.Q(category_links__category__code="left_behind", hukou_type=Child.HukouType.URBAN)
            | (models.Q(category_links__category__code="unsupported", hukou__isnull=False)
               & ~models.Q(hukou__code__startswith=HOME_PROVINCE))
            | models.Q(category_links__category__code="severe_disability", disability_grade__gt=2))


def eligibility_problems(child: Child, codes) -> list[str]:
    """The checkable facts behind a category that the record contradicts (rural 户籍 for 留守, 本省户籍
    for 事实无人抚养, disability grade 一/二级 for 重残); unknown facts are not problems."""
    problems = []
    if "left_behind" in codes and child.hukou_type == Child.HukouType.URBAN:
        problems.append(_("农村留守儿童 needs a rural household registration; the record says urban."))
    if "unsupported" in codes and child.hukou_id and not str(child.hukou_id).startswith(HOME_PROVINCE):
        problems.append(_("事实无人抚养儿童 needs a household registration in this province (广东)."))
    if "severe_disability" in codes and child.disability_grade is not None and child.disability_grade > 2:
        problems.append(_("重度残疾儿童 needs a disability grade of 一级 or 二级; the record says %(grade)s级.")
                        % {"grade": child.disability_grade})
    return problems
