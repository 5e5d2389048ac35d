"""The contract-target tracker: what the year's rules require, what is done, what is missing and by when.

All dates are Asia/Shanghai dates. The contract year starts on the signing date; its months are
contract months counted from that day (signed 15 March → 15 March–14 April, 15 April–14 May, …;
signed 31 January → 31 January–27 February, 28 February–30 March, 31 March–…), each computed
from the signing date so none drifts. An activity counts on the local date it starts; an article
counts on the local date the bureau approved it.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.dates import add_months, day_start, local_date, local_today


def contract_year_end(signed_on: datetime.date) -> datetime.date:
    return add_months(signed_on, 12) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    index: int  # 1..12
    start: datetime.date
    end: datetime.date  # inclusive

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        return _("month %(n)s (%(start)s–%(end)s)") % {"n": self.index, "start": fmt(self.start),
                                                      "end": fmt(self.end)}


def fmt(day: datetime.date) -> str:
    return f"{day.year}-{day.month:02d}-{day.day:02d}"


def contract_months(signed_on: datetime.date) -> list[Period]:
    return [Period(i + 1, add_months(signed_on, i), add_months(signed_on, i + 1) - datetime.timedelta(days=1))
            for i in range(12)]


class State:
    MET = "met"  # the rule is satisfied for the whole year
    ON_TRACK = "on_track"  # nothing overdue, more to do later
    DUE = "due"  # something is needed by a deadline that has not passed
    MISSED = "missed"  # a deadline passed with the rule unmet

    LABELS = {"met": gettext_lazy("Target met"), "on_track": gettext_lazy("On track"), "due": gettext_lazy("Not yet met"),
              "missed": gettext_lazy("Missed")}
    LEVELS = {"met": "success", "on_track": "success", "due": "warning", "missed": "danger"}


@dataclass
class MonthStatus:
    period: Period
    held: int
    planned: int
    needed: int
    state: str


@dataclass
class RuleResult:
    target: object
    title: str
    done: int
    required: int
    state: str
    deadline: datetime.date | None = None
    missing: list[str] = field(default_factory=list)
    months: list[MonthStatus] = field(default_factory=list)
    counties: list[tuple[object, int, int]] = field(default_factory=list)  # (county, held, planned)

    @property
    def met(self) -> bool:
        return self.state == State.MET

    @property
    def state_label(self) -> str:
        return State.LABELS[self.state]

    @property
    def level(self) -> str:
        return State.LEVELS[self.state]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.required)) if self.required else 100


@dataclass
class Tracker:
    year: object
    today: datetime.date
    results: list[RuleResult]

    @property
    def ends_on(self) -> datetime.date:
        return contract_year_end(self.year.signed_on)

    @property
    def attention(self) -> list[RuleResult]:
        return [r for r in self.results if r.state in (State.DUE, State.MISSED)]

    @property
    def level(self) -> str:
        if any(r.state == State.MISSED for r in self.results):
            return "danger"
        return "warning" if self.attention else "success"


def evaluate(year, *, today: datetime.date | None = None) -> Tracker:
    """Judge every target of `year` on `today` (Shanghai). A fixed number of queries, whatever the data."""
    from divisions.models import Division

    from .models import Activity, Article, Target

    today = today or local_today()
    start, end = year.signed_on, contract_year_end(year.signed_on)
    window = {"starts_at__gte": day_start(start), "starts_at__lt": day_start(end + datetime.timedelta(days=1))}
    targets = list(year.targets.all())  # query 1
    # query 2: every held or planned activity of the year, as (kind, status, start, county)
    rows = [(kind, status, local_date(at), county) for kind, status, at, county in Activity.objects.filter(
        **window, status__in=[Activity.Status.HELD, Activity.Status.PLANNED],
    ).values_list("kind", "status", "starts_at", "county_id")]
    results = []
    for target in targets:
        if target.rule == Target.Rule.APPROVED_ARTICLES:
            results.append(_articles(target, start, end, today, Article))
            continue
        held = [(day, county) for kind, status, day, county in rows
                if kind == target.activity_kind and status == Activity.Status.HELD]
        # Planned activities in the past that were never recorded do not help.
        planned = [(day, county) for kind, status, day, county in rows
                   if kind == target.activity_kind and status == Activity.Status.PLANNED and day >= today]
        kind_label = target.get_activity_kind_display()
        if target.rule == Target.Rule.EACH_MONTH:
            results.append(_each_month(target, kind_label, start, end, today, held, planned))
        elif target.rule == Target.Rule.EACH_COUNTY:
            counties = list(Division.objects.counties())  # query 3
            results.append(_each_county(target, kind_label, end, today, held, planned, counties))
        elif target.rule == Target.Rule.YEAR_TOTAL:
            results.append(_year_total(target, kind_label, end, today, held, planned))
    return Tracker(year=year, today=today, results=results)


def _each_month(target, kind_label, start, end, today, held, planned) -> RuleResult:
    need = target.minimum
    months = []
    for period in contract_months(start):
        n_held = sum(day in period for day, _c in held)
        n_planned = sum(day in period for day, _c in planned)
        if n_held >= need:
            state = State.MET
        elif period.end < today:
            state = State.MISSED
        elif period.start <= today:
            state = State.DUE
        else:
            state = State.ON_TRACK  # a month still to come
        months.append(MonthStatus(period, n_held, n_planned, need, state))
    missing, deadline = [], None
    for month in months:
        if month.state == State.MISSED:
            missing.append(_("%(period)s: %(held)s of %(need)s held; this month cannot be made up") % {
                "period": month.period.label, "held": month.held, "need": need})
        elif month.state == State.DUE:
            deadline = month.period.end
            note = _("%(n)s more needed by %(date)s") % {"n": need - month.held, "date": fmt(month.period.end)}
            if month.planned:
                note += _(" (%(p)s planned)") % {"p": month.planned}
            missing.append(f"{month.period.label}: {note}")
    if any(m.state == State.MISSED for m in months):
        state = State.MISSED
    elif all(m.state == State.MET for m in months):
        state = State.MET
    elif any(m.state == State.DUE for m in months):
        state = State.DUE
    else:
        state = State.ON_TRACK
    if deadline is None and state == State.ON_TRACK:
        upcoming = next((m for m in months if m.state == State.ON_TRACK), None)
        deadline = upcoming.period.end if upcoming else end
    return RuleResult(target=target, title=_("At least %(n)s %(kind)s in each contract month") % {
        "n": need, "kind": kind_label}, done=sum(m.state == State.MET for m in months), required=len(months),
        state=state, deadline=deadline, missing=missing, months=months)


def _each_county(target, kind_label, end, today, held, planned, counties) -> RuleResult:
    need = target.minimum
    held_by = Counter(county for _d, county in held)
    planned_by = Counter(county for _d, county in planned)
    rows = [(county, held_by[county.code], planned_by[county.code]) for county in counties]
    lacking = [(county, n, p) for county, n, p in rows if n < need]
    state = State.MET if not lacking else (State.MISSED if today > end else State.DUE)
    missing = []
    if lacking:
        names = "、".join(f"{c.name}" + (_("(%(p)s planned)") % {"p": p} if p else "") for c, _n, p in lacking)
        missing.append(_("Not yet reached: %(names)s; by %(date)s") % {"names": names, "date": fmt(end)})
    return RuleResult(target=target, title=_("At least %(n)s %(kind)s in each county-level unit") % {
        "n": need, "kind": kind_label}, done=len(rows) - len(lacking), required=len(rows), state=state,
        deadline=end if lacking else None, missing=missing, counties=rows)


def _year_total(target, kind_label, end, today, held, planned) -> RuleResult:
    done, need = len(held), target.minimum
    state = State.MET if done >= need else (State.MISSED if today > end else State.DUE)
    missing = []
    if done < need:
        note = _("%(n)s more needed by %(date)s") % {"n": need - done, "date": fmt(end)}
        if planned:
            note += _(" (%(p)s planned)") % {"p": len(planned)}
        missing.append(note)
    return RuleResult(target=target, title=_("At least %(n)s %(kind)s in the year") % {
        "n": need, "kind": kind_label}, done=done, required=need, state=state,
        deadline=end if done < need else None, missing=missing)


def _articles(target, start, end, today, Article) -> RuleResult:
    window = {"approved_at__gte": day_start(start), "approved_at__lt": day_start(end + datetime.timedelta(days=1))}
    done = Article.objects.filter(**window, status__in=[Article.Status.APPROVED, Article.Status.PUBLISHED]).count()
    # Waiting articles count toward the year in which they are approved: only the running year can still
    # gain them; an earlier (or a later) year shows none, not the articles waiting today.
    running = start <= today <= end
    pending = Article.objects.filter(status=Article.Status.SUBMITTED).count() if running else 0
    need = target.minimum
    state = State.MET if done >= need else (State.MISSED if today > end else State.DUE)
    missing = []
    if done < need:
        note = _("%(n)s more approved articles needed by %(date)s") % {"n": need - done, "date": fmt(end)}
        if pending:
            note += _(" (%(p)s waiting for the bureau)") % {"p": pending}
        missing.append(note)
    return RuleResult(target=target, title=_("At least %(n)s articles approved by the bureau in the year") % {
        "n": need}, done=done, required=need, state=state, deadline=end if done < need else None,
        missing=missing)
