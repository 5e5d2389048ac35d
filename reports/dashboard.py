"""The dashboard: this month to date and the contract year to date, by county, every number a link to the
filtered list behind it (docs/reports.md, "Dashboard").

`compute(area)` runs the whole-registry aggregates and returns plain numbers; they are stored per scope in
`DashboardFigures` (refreshed by the beat task `reports.tasks.refresh_dashboards`) so that a page view reads
one row; `present(data, user)` turns them into the page's labels, links and charts."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dates import local_date, local_today
from accounts.policy import Can
from activities.models import ContractYear
from cases import stats as case_stats
from children import stats as child_stats
from children.models import RiskLevel
from visits import stats as visit_stats
from visits.models import Visit

from .charts import bar_chart

CITY = "city"


def children_url(**params) -> str:
    return reverse("children:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def area_of(user) -> str | None:
    """The county a user's dashboard covers: a county bureau its county, everyone else the city (None)."""
    codes = user.area_codes() if not user.can(Can.SEE_PROJECT) else []
    return codes[0][:6] if codes else None


def compute(area: str | None) -> dict:
    """The dashboard's figures for a county (or the city when None): plain numbers, strings and ISO dates
    only (JSON), no labels or links. A fixed number of queries whatever the data size."""
    today = local_today()
    month_start = today.replace(day=1)
    year = ContractYear.current(today)
    year_start = year.signed_on if year else month_start
    registry = child_stats.period_figures(month_start, today, area=area)
    visits = visit_stats.period_figures(month_start, today, area=area)
    year_visits = visit_stats.period_figures(year_start, today, area=area)
    cases = case_stats.period_figures(month_start, today, area=area)
    incidents = case_stats.incident_figures(month_start, today, area=area)
    risk = {r.key: r.n for r in registry.by_risk}
    visits_by_county = {r.key: r.n for r in visits.by_county}
    return {
        "area": area or "", "today": today.isoformat(), "month_start": month_start.isoformat(),
        "year": {"id": year.pk, "signed_on": year.signed_on.isoformat()} if year else None,
        "year_start": year_start.isoformat(),
        "total": registry.total, "entered": registry.entered,
        "high": risk.get(RiskLevel.HIGH, 0), "medium_high": risk.get(RiskLevel.MEDIUM_HIGH, 0),
        "assessments_overdue": registry.assessments_overdue, "benefit_gap": registry.benefit_gap,
        "visits": visits.total, "high_risk_missed": visits.high_risk_missed,
        "cases_active": cases.active, "incidents": incidents.total,
        # [code, name, children, {risk level: children}, visits this month]
        "counties": [[row.key, row.label, row.n, dict(registry.by_county_risk.get(row.key, {})),
                      visits_by_county.get(row.key, 0)] for row in registry.by_county],
        "year_visits": year_visits.total,
        "year_visits_by_type": [[row.key, row.n] for row in year_visits.by_type],
    }


def present(data: dict, user) -> dict:
    """The template's context from stored figures: translated labels, links to the filtered lists, SVG charts."""
    area = data["area"] or None
    place = {"place_county": area} if area else {}
    headline = [
        (_("In the registry on the last day"), data["total"], children_url(**place)),
        (_("Entered in the period"), data["entered"], ""),
        (str(RiskLevel.HIGH.label), data["high"], children_url(risk=RiskLevel.HIGH, **place)),
        (str(RiskLevel.MEDIUM_HIGH.label), data["medium_high"], children_url(risk=RiskLevel.MEDIUM_HIGH, **place)),
        (_("Reassessment overdue or never assessed"), data["assessments_overdue"],
         children_url(reassess="due", **place)),
        (_("Children with a benefit they should receive but do not (应享未享)"), data["benefit_gap"],
         children_url(benefit_gap="on", **place)),
        (_("Visits made"), data["visits"], ""),
        (_("…not yet visited"), data["high_risk_missed"], ""),
        (_("Cases open on the last day"), data["cases_active"], ""),
        (_("Discovery reports filed"), data["incidents"], reverse("cases:incident_list")),
    ]
    counties = [{
        "name": name, "code": code, "total": total, "url": children_url(place_county=code),
        "levels": [(by_risk.get(level, 0), children_url(place_county=code, risk=level)) for level in RiskLevel.values],
        "visits": visits,
    } for code, name, total, by_risk, visits in data["counties"]]
    types = dict(Visit.Type.choices)
    return {
        "today": datetime.date.fromisoformat(data["today"]),
        "month_start": datetime.date.fromisoformat(data["month_start"]),
        "year": data["year"], "year_start": datetime.date.fromisoformat(data["year_start"]),
        "headline": headline, "levels": [str(label) for _v, label in RiskLevel.choices], "counties": counties,
        "year_visits": data["year_visits"],
        "charts": [c for c in (bar_chart(_("Children by county"), [(c["name"], c["total"]) for c in counties]),
                               bar_chart(_("Visits by type"),
                                         [(str(types.get(key, key)), n) for key, n in data["year_visits_by_type"]]))
                   if c],
    }


def refresh(area: str | None):
    """Compute and store one scope's figures (idempotent: one row per scope)."""
    from .models import DashboardFigures

    row, _created = DashboardFigures.objects.update_or_create(
        scope=area or CITY, defaults={"computed_at": timezone.now(), "data": compute(area)})
    return row


def is_fresh(row) -> bool:
    """Younger than DASHBOARD_MAX_AGE and computed today (Asia/Shanghai): this month's figures still hold."""
    max_age = datetime.timedelta(seconds=settings.DASHBOARD_MAX_AGE)
    return timezone.now() - row.computed_at <= max_age and local_date(row.computed_at) == local_today()


def dashboard(user) -> dict:
    """The figures for `user` (a county bureau: its county; everyone else the city), read from the stored row
    of its scope; computed and stored first when missing, stale or from another day. One read when fresh."""
    from .models import DashboardFigures

    area = area_of(user)
    row = DashboardFigures.objects.filter(scope=area or CITY).first()
    if row is None or not is_fresh(row):
        row = refresh(area)
    return present(row.data, user) | {"computed_at": row.computed_at}
