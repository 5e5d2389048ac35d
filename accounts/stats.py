"""The team as it stood on a date and over a report period, from the dated team history
(`StaffRecord`; docs/accounts.md, "Team history"). One query whatever the number of records.

`as_of(day)` gives the members on that day with their position and qualifications as recorded then;
service years grow with the time on the project since the record. `period_figures(start, end)` is what
a report's team section shows: who was on the team at the start and the end, who joined and who left,
and each staffing rule checked on every day the team changed (a rule broken for part of the period is
reported with the days it was broken). The team is the project's, so `area` is accepted and ignored.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Qualified, StaffProfile, StaffRecord
from .staffing import RuleResult, check_staffing

DAYS_A_YEAR = Decimal("365.25")


@dataclass
class Member(Qualified):
    """A team member on one day, shaped like a `StaffProfile` for `check_staffing`."""

    user: object
    position: str
    full_time: bool
    education: str
    major_related: bool
    certificate: str
    child_service_years: Decimal
    difficulty_service_years: Decimal
    since: datetime.date  # on the team since (the last "joined")

    def get_position_display(self) -> str:
        return str(StaffProfile.Position(self.position).label) if self.position else ""


def _records(until: datetime.date) -> dict:
    """Each person's records up to `until` (inclusive), oldest first: {user_id: [record, …]}."""
    by_user: dict[int, list[StaffRecord]] = {}
    for record in (StaffRecord.objects.filter(effective__lte=until).select_related("user")
                   .order_by("user_id", "effective", "id")):
        by_user.setdefault(record.user_id, []).append(record)
    return by_user


def _grown(years: Decimal, since: datetime.date, day: datetime.date) -> Decimal:
    return (years + Decimal((day - since).days) / DAYS_A_YEAR).quantize(Decimal("0.1"))


def _member_on(records: list, day: datetime.date) -> Member | None:
    current, since = None, None
    for record in records:
        if record.effective > day:
            break
        if record.event == StaffRecord.Event.LEFT:
            current, since = None, None
            continue
        if record.event == StaffRecord.Event.JOINED or since is None:
            since = record.effective
        current = record
    if current is None:
        return None
    return Member(user=current.user, position=current.position, full_time=current.full_time,
                  education=current.education, major_related=current.major_related,
                  certificate=current.certificate,
                  child_service_years=_grown(current.child_service_years, current.effective, day),
                  difficulty_service_years=_grown(current.difficulty_service_years, current.effective, day),
                  since=since)


def _team_on(by_user: dict, day: datetime.date) -> list[Member]:
    members = [m for records in by_user.values() if (m := _member_on(records, day)) is not None]
    return sorted(members, key=lambda m: (m.position, m.user.username))


def as_of(day: datetime.date) -> list[Member]:
    """The team on `day`, as recorded for that day."""
    return _team_on(_records(day), day)


@dataclass
class RuleInPeriod:
    rule: str
    met_at_end: bool
    why_at_end: str
    unmet_on: list[datetime.date] = field(default_factory=list)  # days of change on which it was not met

    @property
    def met_throughout(self) -> bool:
        return not self.unmet_on


@dataclass
class TeamFigures:
    start: datetime.date
    end: datetime.date
    at_start: list[Member]
    at_end: list[Member]
    joined: list[tuple[datetime.date, object]]  # (day, user)
    left: list[tuple[datetime.date, object]]
    rules: list[RuleInPeriod]

    @property
    def full_time_at_end(self) -> int:
        return sum(1 for m in self.at_end if m.full_time)

    def plain(self) -> dict:
        """The figures as JSON-ready values (for the report's hash of its figures)."""
        def people(members):
            return [[m.user.username, m.position, m.full_time, m.certificate, m.education] for m in members]
        return {"at_start": people(self.at_start), "at_end": people(self.at_end),
                "joined": [[str(d), u.username] for d, u in self.joined],
                "left": [[str(d), u.username] for d, u in self.left],
                "rules": [[r.rule, r.met_at_end, [str(d) for d in r.unmet_on]] for r in self.rules]}


def period_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> TeamFigures:
    by_user = _records(end)
    joined, left, change_days = [], [], {start}
    for records in by_user.values():
        for record in records:
            if start <= record.effective <= end:
                change_days.add(record.effective)
                if record.event == StaffRecord.Event.JOINED:
                    joined.append((record.effective, record.user))
                elif record.event == StaffRecord.Event.LEFT:
                    left.append((record.effective, record.user))
    results_by_day: dict[datetime.date, list[RuleResult]] = {
        day: check_staffing(_team_on(by_user, day)) for day in sorted(change_days)}
    at_end = _team_on(by_user, end)
    rules = [RuleInPeriod(rule=r.rule, met_at_end=r.met, why_at_end=r.why) for r in check_staffing(at_end)]
    for day, results in results_by_day.items():
        for rule, result in zip(rules, results, strict=True):
            if not result.met:
                rule.unmet_on.append(day)
    return TeamFigures(start=start, end=end, at_start=_team_on(by_user, start), at_end=at_end,
                       joined=sorted(joined, key=lambda j: j[0]), left=sorted(left, key=lambda j: j[0]),
                       rules=rules)
