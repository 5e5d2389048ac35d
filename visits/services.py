"""Visit scheduling, recording, escalation and compliance: the writes across models live here."""

import datetime
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.concurrency import StaleEditError, claim_version, create_once
from accounts.models import User
from accounts.policy import Can
from accounts.services import notify, users_who_can
from children.models import Child, Household, RiskLevel, RiskPolicy
from divisions.models import Division

from . import cadence
from .models import DueVisit, FamilyCall, Visit, VisitPhoto

StaleVisitError = StaleEditError  # the name views and tests knew before accounts.concurrency


# ---------------------------------------------------------------- cadence


def warn_missing_holiday_years(years: Iterable[int]) -> None:
    """Tell the system administrators, once per year, that the holiday calendar needs updating."""
    admins = list(users_who_can(Can.ADMINISTER))
    for year in sorted(set(years)):
        notify(recipients=admins, level="warning", key=f"visits:holiday-calendar:{year}",
               title=_("The holiday calendar has no data for %(year)s") % {"year": year},
               body=_("Visit due dates in %(year)s avoid weekends only, not public holidays. Update the "
                      "chinesecalendar package (requirements.txt) once the State Council publishes the "
                      "%(year)s holidays.") % {"year": year})


LAST_VISIT_AGGREGATES = {
    DueVisit.Kind.HOME: Max("visited_on", filter=Q(type__in=Visit.COUNTS_FOR[DueVisit.Kind.HOME])),
    DueVisit.Kind.CALL: Max("visited_on", filter=Q(type__in=Visit.COUNTS_FOR[DueVisit.Kind.CALL])),
}


def _wanted_due_dates(*, level: str, entered: datetime.date, last: dict, policy: RiskPolicy,
                      missing_years: set[int]) -> dict[str, datetime.date]:
    """Due date by kind for a child of this level; kinds with no due date are left out.

    A child not yet graded is due for a first visit on entry; once visited and still ungraded, the next
    home visit follows the medium-high cadence (monthly) until a level is set, so the child never drops
    off every work list (issue 13 item 9)."""
    interval, cadence_level = policy.visit_interval_days(level), level
    if interval is None and last.get(DueVisit.Kind.HOME) is not None:
        interval, cadence_level = policy.visit_days_medium_high, RiskLevel.MEDIUM_HIGH
    wanted = {
        DueVisit.Kind.HOME: cadence.next_due(
            level=cadence_level, interval_days=interval, last_visit=last.get(DueVisit.Kind.HOME),
            entered=entered, skip_weekends=policy.skip_weekends, missing_years=missing_years),
    }
    if level == RiskLevel.HIGH:
        wanted[DueVisit.Kind.CALL] = cadence.next_due(
            level=level, interval_days=policy.call_days_high, last_visit=last.get(DueVisit.Kind.CALL),
            entered=entered, skip_weekends=policy.skip_weekends, missing_years=missing_years, monthly=False)
    return {kind: due for kind, due in wanted.items() if due is not None}


@transaction.atomic
def refresh_due_visits(*, child: Child, policy: RiskPolicy | None = None) -> dict[str, datetime.date]:
    """Recompute the child's next due visits from the last visits and the current risk level."""
    if child.status != Child.Status.REGISTERED:
        DueVisit.objects.filter(child=child).delete()
        return {}
    policy = policy or RiskPolicy.current()
    last = Visit.objects.filter(child=child).aggregate(**LAST_VISIT_AGGREGATES)
    missing_years: set[int] = set()
    wanted = _wanted_due_dates(level=child.risk_level, entered=timezone.localdate(child.created_at), last=last,
                               policy=policy, missing_years=missing_years)
    DueVisit.objects.filter(child=child).exclude(kind__in=list(wanted)).delete()
    for kind, due in wanted.items():
        DueVisit.objects.update_or_create(child=child, kind=kind, defaults={
            "due_on": due, "last_visit_on": last[kind], "risk_level": child.risk_level})
    if missing_years:
        warn_missing_holiday_years(missing_years)
    return wanted


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def refresh_all_due_visits(*, batch_size: int = 1000, children=None) -> int:
    """Nightly: recompute every registered child (policy edits, new or imported children), a batch of
    children in four queries rather than a few queries per child. `children` (a Child queryset) limits
    the run to those, e.g. the children a ledger import has just created."""
    policy = RiskPolicy.current()
    if children is None:
        DueVisit.objects.exclude(child__status=Child.Status.REGISTERED).delete()
        children = Child.objects.all()
    missing_years: set[int] = set()
    count = 0
    children = children.in_registry().order_by("pk").values_list("pk", "risk_level", "created_at")
    for chunk in _chunks(children.iterator(chunk_size=batch_size), batch_size):
        ids = [pk for pk, _level, _created in chunk]
        last_by_child = {row.pop("child_id"): row for row in Visit.objects.filter(child_id__in=ids)
                         .values("child_id").annotate(**LAST_VISIT_AGGREGATES)}
        existing = {(row.child_id, row.kind): row for row in DueVisit.objects.filter(child_id__in=ids)}
        now = timezone.now()
        create, update, keep = [], [], set()
        for pk, level, created_at in chunk:
            last = last_by_child.get(pk, {})
            wanted = _wanted_due_dates(level=level, entered=timezone.localdate(created_at), last=last,
                                       policy=policy, missing_years=missing_years)
            for kind, due in wanted.items():
                keep.add((pk, kind))
                values = {"due_on": due, "last_visit_on": last.get(kind), "risk_level": level}
                row = existing.get((pk, kind))
                if row is None:
                    create.append(DueVisit(child_id=pk, kind=kind, **values))
                elif any(getattr(row, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.updated_at = now
                    update.append(row)
        with transaction.atomic():
            DueVisit.objects.filter(pk__in=[row.pk for key, row in existing.items() if key not in keep]).delete()
            DueVisit.objects.bulk_create(create)
            DueVisit.objects.bulk_update(update, ["due_on", "last_visit_on", "risk_level", "updated_at"])
        count += len(chunk)
    if missing_years:
        warn_missing_holiday_years(missing_years)
    return count


def snapshot_due_months(today: datetime.date | None = None) -> int:
    """Nightly, after the due dates are refreshed: keep what is due this month (docs/reports.md, "due versus
    done"). A due visit dated in or before this month becomes a `DueVisitMonth` row the first night it is seen
    (later nights leave it as it was); a row of this month or the last one still open is marked done by the
    first visit of its kind made in its month. A fixed number of queries; a rerun changes nothing. Returns the
    number of rows created."""
    from django.db.models import Min, Subquery

    from accounts.dates import add_months, local_today

    from .models import DueVisitMonth

    today = today or local_today()
    month = today.replace(day=1)
    month_end = add_months(month, 1) - datetime.timedelta(days=1)
    due = DueVisit.objects.filter(due_on__lte=month_end, child__status=Child.Status.REGISTERED)
    known = DueVisitMonth.objects.filter(child=OuterRef("child"), kind=OuterRef("kind"), month=month)
    rows = [DueVisitMonth(child_id=child_id, kind=kind, month=month, due_on=due_on, risk_level=level)
            for child_id, kind, due_on, level in due.exclude(Exists(known)).values_list(
                "child_id", "kind", "due_on", "risk_level").order_by()]
    DueVisitMonth.objects.bulk_create(rows, ignore_conflicts=True)
    for first in (add_months(month, -1), month):
        last = add_months(first, 1) - datetime.timedelta(days=1)
        for kind, types in Visit.COUNTS_FOR.items():
            done = Visit.objects.filter(child=OuterRef("child"), type__in=types, visited_on__gte=first,
                                        visited_on__lte=last).order_by().values("child").annotate(
                first=Min("visited_on")).values("first")
            DueVisitMonth.objects.filter(month=first, kind=kind, done_on__isnull=True).update(
                done_on=Subquery(done[:1]))
    return len(rows)


def schedule_imported_children(sender, *, child_ids, **kwargs) -> None:
    """Children created in bulk (a ledger import) skip the save signals: schedule them here, in batches,
    rather than on a worker's next GET of the work list (which used to check every child of theirs)."""
    refresh_all_due_visits(children=Child.objects.filter(pk__in=child_ids))


# ---------------------------------------------------------------- recording


def _add_photos(visit: Visit, photos, by: User) -> None:
    """New photos (cleaned uploads) and photos kept from a form sent back (visits/photos.py)."""
    from .photos import attach_kept

    for photo in photos:
        if hasattr(photo, "attached_to_id"):
            attach_kept(photo, visit=visit, by=by)
            continue
        VisitPhoto.objects.create(visit=visit, image=photo.file, width=photo.width, height=photo.height,
                                  uploaded_by=by)


@transaction.atomic
def create_visit(*, visit: Visit, by: User, photos=(), token=None) -> Visit:
    """Record a visit. `token` is the form's one-time token: posting the same form again (a double click,
    a resent request) returns the visit the first post made instead of a second one."""
    def create():
        visit.recorded_by = by
        visit.risk_level = visit.child.risk_level
        visit.submission_token = token
        if visit.has_checkin:
            visit.checkin_at = timezone.now()
        visit.full_clean()
        visit.save()
        _add_photos(visit, photos, by)
        refresh_due_visits(child=visit.child)
        return visit
    return create_once(Visit, token, create)[0]


@transaction.atomic
def create_family_visit(*, visit: Visit, children, by: User, photos=(), token=None) -> list[Visit]:
    """家庭探访: one visit to a household, recorded for each of the chosen children (one row per child, the
    same answers, one `household_visit` key): the family target counts it once, each child has its visit
    (docs/households.md). `visit` is the filled form's unsaved visit; its child is ignored. The children
    must be of `visit.household`. Returns the visits; a second post of the same form returns the first's."""
    household = visit.household
    children = list(children)
    if not children or any(child.household_id != household.pk for child in children):
        raise ValidationError(_("Choose the children of this family who were visited."))
    key = uuid.uuid4()

    def create():
        fields = {f.attname: getattr(visit, f.attname) for f in Visit._meta.concrete_fields
                  if f.name not in ("id", "child", "submission_token", "household_visit", "version")}
        made = []
        for n, child in enumerate(children):
            row = Visit(**fields)
            row.child, row.household, row.household_visit = child, household, key
            made.append(create_visit(visit=row, by=by, photos=photos if n == 0 else (),
                                     token=token if n == 0 else None))
        return made[0]

    first, _created = create_once(Visit, token, create)
    return list(Visit.objects.filter(household_visit=first.household_visit).select_related("child")
                .order_by("id")) if first.household_visit else [first]


@transaction.atomic
def update_visit(*, visit: Visit, expected_version: int, by: User, photos=()) -> Visit:
    """Save an edited visit unless someone saved it since the form was opened (nothing is overwritten)."""
    claim_version(visit, expected_version)
    current = Visit.objects.get(pk=visit.pk)
    # The check-in is taken once, when the visit is first recorded (R13).
    visit.checkin_latitude, visit.checkin_longitude = current.checkin_latitude, current.checkin_longitude
    visit.checkin_accuracy_m, visit.checkin_at = current.checkin_accuracy_m, current.checkin_at
    visit.updated_by = by
    visit.full_clean()
    visit.save()
    _add_photos(visit, photos, by)
    refresh_due_visits(child=visit.child)
    return visit


@transaction.atomic
def record_family_call(*, call: FamilyCall, by: User) -> FamilyCall:
    call.arranged_by = by
    call.full_clean()
    call.save()
    return call


# ---------------------------------------------------------------- escalation


def escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Notify the worker and the supervisors of each visit overdue by more than the grace days.

    The key names the due visit and its due date, so each overdue visit notifies exactly once however
    often this runs, and the next cycle's overdue visit notifies again.
    """
    today = today or timezone.localdate()
    policy = RiskPolicy.current()
    cutoff = today - datetime.timedelta(days=policy.overdue_grace_days)
    overdue = (DueVisit.objects.filter(due_on__lt=cutoff, child__status=Child.Status.REGISTERED)
               .select_related("child", "child__social_worker"))
    supervisors = list(users_who_can(Can.SUPERVISE))
    sent = 0
    for due in overdue:
        child = due.child
        workers = [child.social_worker] if child.social_worker else list(
            users_who_can(Can.HAVE_CASELOAD, within_code=child.residence_id))
        days = due.days_overdue(today)
        sent += len(notify(
            recipients=[*workers, *supervisors], level="danger", email=True,
            key=f"visits:overdue:{due.pk}:{due.due_on:%Y%m%d}",
            title=_("%(kind)s of %(child)s is %(days)s days overdue") % {
                "kind": due.get_kind_display(), "child": child, "days": days},
            body=_("Due on %(date)s (%(level)s).") % {"date": due.due_on, "level": child.get_risk_level_display()},
            url=reverse("visits:visit_create", args=[child.pk]) + f"?kind={due.kind}"))
    return sent


# ---------------------------------------------------------------- work lists


SECTIONS = ("overdue", "today", "this_week", "later")
LATER_DAYS = 30
SECTION_PREVIEW = 20   # items per section on the work list's first page; "more" pages the section
SECTION_PAGE = 50


def worker_children(user: User):
    """The children on a worker's own list: their caseload, and unassigned children of their areas."""
    return (Child.objects.visible_to(user).in_registry()
            .filter(Q(social_worker=user) | Q(social_worker__isnull=True)))


def section_filters(today: datetime.date) -> dict[str, Q]:
    """Which due dates fall in each section of the work list: overdue, today, the rest of this week, and
    later (the next 30 days, at least to the end of the week)."""
    end_of_week = today + datetime.timedelta(days=6 - today.weekday())
    horizon = max(end_of_week, today + datetime.timedelta(days=LATER_DAYS))
    return {"overdue": Q(due_on__lt=today), "today": Q(due_on=today),
            "this_week": Q(due_on__gt=today, due_on__lte=end_of_week),
            "later": Q(due_on__gt=end_of_week, due_on__lte=horizon)}


def worker_dues(user: User, *, hashed: bool = False):
    """With `hashed` (to count every due visit of the worker's), the worker's own children and the
    unassigned ones as two subqueries the database hashes once each, read from the caseload index alone
    (children_child_caseload), not from the children's rows: 0.28 s → 0.08 s for a worker with 25,000
    children (issue 17). Without (a page of a section, most urgent first), the plan that walks the due
    dates in order and stops at the page's end."""
    if not hashed:
        return DueVisit.objects.filter(child__in=worker_children(user))
    children = Child.objects.visible_to(user).in_registry()
    return DueVisit.objects.filter(Q(child__in=children.filter(social_worker=user).values("pk"))
                                   | Q(child__in=children.filter(social_worker__isnull=True).values("pk")))


def work_list_counts(*, user: User, today: datetime.date) -> dict[str, int]:
    """How many due visits each section holds, in one query."""
    filters = section_filters(today)
    return worker_dues(user, hashed=True).aggregate(**{name: Count("id", filter=q) for name, q in filters.items()})


WORK_LIST_FIELDS = ("id", "child_id", "kind", "due_on", "last_visit_on", "risk_level", "child__id", "child__name",
                    "child__risk_level", "child__status", "child__residence__code", "child__residence__name",
                    "child__residence__parent__code", "child__residence__parent__name")


def work_list_section(*, user: User, today: datetime.date, name: str, offset: int = 0,
                      limit: int = SECTION_PAGE) -> list:
    """One page of a section, most urgent first (the page never holds every due child of a worker)."""
    dues = list(worker_dues(user).filter(section_filters(today)[name])
                .select_related("child", "child__residence", "child__residence__parent")
                # What the list shows of a child: not the encrypted fields, each decrypted on loading (issue 17).
                .only(*WORK_LIST_FIELDS)
                .order_by("due_on", "child__name", "child_id", "kind")[offset:offset + limit])
    for due in dues:
        due.overdue_days = due.days_overdue(today)
    return dues


def county_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))


def overview(*, user: User, today: datetime.date) -> dict:
    """For the supervisor and the lead: due and overdue visits by worker and by county."""
    dues = DueVisit.objects.filter(child__in=Child.objects.visible_to(user).in_registry())
    overdue_q = Q(due_on__lt=today)
    by_worker = list(dues.values("child__social_worker", "child__social_worker__full_name",
                                 "child__social_worker__username")
                     .annotate(total=Count("id"), overdue=Count("id", filter=overdue_q))
                     .order_by("-overdue", "child__social_worker__username"))
    by_county = list(dues.annotate(county=Substr("child__residence_id", 1, 6)).values("county")
                     .annotate(total=Count("id"), overdue=Count("id", filter=overdue_q)).order_by("county"))
    names = county_names(row["county"] for row in by_county)
    for row in by_county:
        row["name"] = names.get(row["county"], row["county"])
    oldest = list(dues.filter(overdue_q).select_related("child", "child__residence", "child__social_worker")
                  .order_by("due_on", "child__name")[:50])
    for due in oldest:
        due.overdue_days = due.days_overdue(today)
    return {"by_worker": by_worker, "by_county": by_county, "oldest_overdue": oldest}


# ---------------------------------------------------------------- monthly compliance


@dataclass
class ComplianceRow:
    """One line of the monthly compliance: families (家庭: a confirmed household counts once, a child in none
    is a family of one) and children, and home visits counted both ways (a family visit to two siblings is
    one family visit and two child visits)."""

    label: str
    children: int = 0
    visited: int = 0
    visits: int = 0  # family visits (家庭探访), the contract's unit
    child_visits: int = 0
    families: int = 0
    families_visited: int = 0

    @property
    def missed(self) -> int:
        return self.children - self.visited

    @property
    def families_missed(self) -> int:
        return self.families - self.families_visited


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, cadence.end_of_next_month(first - datetime.timedelta(days=1))


CONFIRMED_HOUSEHOLD = Q(household__status=Household.Status.CONFIRMED)


def family_key(child: Child):
    """The family a child counts in: its household once confirmed, else the child alone."""
    if child.household_id and child.household.status == Household.Status.CONFIRMED:
        return ("household", child.household_id)
    return ("child", child.pk)


def family_visit_count(visits) -> dict:
    """Aggregates of a visit queryset: family visits (a household visit's rows once) and child visits."""
    counts = visits.aggregate(keyed=Count("household_visit", distinct=True),
                              single=Count("id", filter=Q(household_visit__isnull=True)), rows=Count("id"))
    return {"family_visits": counts["keyed"] + counts["single"], "child_visits": counts["rows"]}


def compliance_summary(*, user: User, month: datetime.date) -> dict:
    """The numbers of the home card, as compliance() counts them, in two aggregate queries
    (the card used to build the whole report: every child and every visit of the month)."""
    first, last = month_bounds(month)
    levels = list(cadence.MONTHLY_LEVELS)
    home_visit = Visit.objects.filter(type=Visit.Type.HOME, visited_on__gte=first, visited_on__lte=last)
    # One uncorrelated subquery the database hashes once, not an EXISTS per child in each of three counts
    # (0.8 s → ms at 20,000 high and medium-high children, issue 17).
    seen = Q(pk__in=home_visit.values("child_id"))
    children = (Child.objects.visible_to(user).in_registry().filter(risk_level__in=levels)
                .aggregate(children=Count("pk"), visited=Count("pk", filter=seen),
                           households=Count("household", distinct=True, filter=CONFIRMED_HOUSEHOLD),
                           alone=Count("pk", filter=~CONFIRMED_HOUSEHOLD | Q(household__isnull=True)),
                           households_visited=Count("household", distinct=True, filter=CONFIRMED_HOUSEHOLD & seen),
                           alone_visited=Count("pk", filter=(~CONFIRMED_HOUSEHOLD | Q(household__isnull=True)) & seen)))
    counts = family_visit_count(Visit.objects.visible_to(user).filter(
        type=Visit.Type.HOME, visited_on__gte=first, visited_on__lte=last, risk_level__in=levels))
    target = RiskPolicy.current().monthly_visit_target
    families = children["households"] + children["alone"]
    families_visited = children["households_visited"] + children["alone_visited"]
    return {"total_visits": counts["family_visits"], "child_visits": counts["child_visits"], "target": target,
            "target_met": counts["family_visits"] >= target,
            "children": children["children"], "visited": children["visited"],
            "missed": children["children"] - children["visited"],
            "families": families, "families_visited": families_visited, "families_missed": families - families_visited}


def compliance(*, user: User, month: datetime.date) -> dict:
    """High and medium-high risk families (and their children) visited at home at least once in the month,
    and the number of family visits against the contract's monthly target (家庭探访: one visit to a household
    with several children counts once), per worker and county; which children were missed."""
    first, last = month_bounds(month)
    policy = RiskPolicy.current()
    levels = list(cadence.MONTHLY_LEVELS)
    children = list(Child.objects.visible_to(user).in_registry().filter(risk_level__in=levels)
                    .select_related("social_worker", "residence", "household")
                    .annotate(home_visits=Count("visits", filter=Q(
                        visits__type=Visit.Type.HOME, visits__visited_on__gte=first,
                        visits__visited_on__lte=last)))
                    .order_by("residence_id", "name"))
    visits = (Visit.objects.visible_to(user)
              # the children listed are those of the current level: count their visits whatever the level
              # was on the day, so the visits and the children visited agree (issue 13 item 9)
              .filter(type=Visit.Type.HOME, visited_on__gte=first, visited_on__lte=last,
                      child__risk_level__in=levels, child__status=Child.Status.REGISTERED)
              .values("id", "household_visit", "recorded_by", "recorded_by__full_name", "recorded_by__username",
                      "child__residence_id"))
    visits = list(visits)
    names = county_names([c.residence_id[:6] for c in children] + [v["child__residence_id"][:6] for v in visits])
    unassigned = _("Unassigned")
    by_worker: dict = defaultdict(lambda: ComplianceRow(label=unassigned))
    by_county: dict = {}
    families: dict = defaultdict(set)  # row → family keys; row → keys of families visited
    families_visited: dict = defaultdict(set)
    all_families, all_visited = set(), set()
    for child in children:
        worker_key = child.social_worker_id
        row = by_worker[worker_key]
        if child.social_worker:
            row.label = str(child.social_worker)
        county = child.residence_id[:6]
        crow = by_county.setdefault(county, ComplianceRow(label=names.get(county, county)))
        family = family_key(child)
        all_families.add(family)
        if child.home_visits:
            all_visited.add(family)
        for r in (row, crow):
            r.children += 1
            r.visited += child.home_visits > 0
            families[id(r)].add(family)
            if child.home_visits:
                families_visited[id(r)].add(family)
    family_visits_by_worker: dict = defaultdict(set)
    family_visits_by_county: dict = defaultdict(set)
    child_visits_by_worker = Counter()
    for v in visits:
        key = v["household_visit"] or v["id"]
        child_visits_by_worker[v["recorded_by"]] += 1
        family_visits_by_worker[v["recorded_by"]].add(key)
        county = v["child__residence_id"][:6]
        crow = by_county.setdefault(county, ComplianceRow(label=names.get(county, county)))
        crow.child_visits += 1
        family_visits_by_county[county].add(key)
        if v["recorded_by"] not in by_worker:
            by_worker[v["recorded_by"]].label = v["recorded_by__full_name"] or v["recorded_by__username"]
    for key, count in child_visits_by_worker.items():
        by_worker[key].child_visits = count
        by_worker[key].visits = len(family_visits_by_worker[key])
    for county, keys in family_visits_by_county.items():
        by_county[county].visits = len(keys)
    for r in [*by_worker.values(), *by_county.values()]:
        r.families, r.families_visited = len(families[id(r)]), len(families_visited[id(r)])
    total_visits = len({v["household_visit"] or v["id"] for v in visits})
    return {
        "first": first, "last": last, "target": policy.monthly_visit_target,
        "total_visits": total_visits, "child_visits": len(visits),
        "target_met": total_visits >= policy.monthly_visit_target,
        "children": len(children), "visited": sum(c.home_visits > 0 for c in children),
        "families": len(all_families), "families_visited": len(all_visited),
        "missed": [c for c in children if not c.home_visits],
        "by_worker": sorted(by_worker.values(), key=lambda r: (-r.missed, r.label)),
        "by_county": [by_county[k] for k in sorted(by_county)],
    }
