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
from children.filters import MISSED
from children.models import RiskLevel
from visits import stats as visit_stats
from visits.models import Visit

CITY = "city"


def url_with(name: str, **params) -> str:
    """The URL of a list with its filter (empty values left out)."""
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse(name) + ("?" + query if query else "")


def children_url(**params) -> str:
    return url_with("children:list", **params)


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
    # a county bureau's discovery reports are those its list shows (Incident.objects.of_area, visible_to's rule):
    # about its county's children, not every report seen in the county (the PDF's count, incident_figures)
    incidents = case_stats.incidents_of_area(month_start, today, area=area)
    missed = {row.key: row.n for row in visit_stats.missed_high_risk_by_county(today, area=area)}
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
        "cases_active": cases.active, "cases_opened": cases.opened, "incidents": incidents,
        # [code, name, children, {risk level: children}, visits this month, high/medium-high not yet visited]
        "counties": [[row.key, row.label, row.n, dict(registry.by_county_risk.get(row.key, {})),
                      visits_by_county.get(row.key, 0), missed.get(row.key, 0)] for row in registry.by_county],
        "year_visits": year_visits.total,
        "year_visits_by_type": [[row.key, row.n] for row in year_visits.by_type],
    }


def present(data: dict, user) -> dict:
    """The template's context from stored figures: translated labels, links to the filtered lists, charts.

    Every number links to the list behind it, with the filter that gives the same count (docs/reports.md,
    "Dashboard"); a county bureau's links also name its county (its lists show only its county anyway). Its
    discovery reports link with `area` (the reports that belong to the county: `Incident.objects.of_area`), not
    `county` (the place seen), because that is what it counts and what its list may show."""
    area = data["area"] or None
    today, month_start = data["today"], data["month_start"]
    place = {"place_county": area} if area else {}
    county = {"county": area} if area else {}
    month = {"visited_from": month_start, "visited_to": today}
    headline = [
        (_("In the registry on the last day"), data["total"], children_url(**place)),
        (_("Entered in the period"), data["entered"],
         children_url(status="all", entered_from=month_start, entered_to=today, **place)),
        (str(RiskLevel.HIGH.label), data["high"], children_url(risk=RiskLevel.HIGH, **place)),
        (str(RiskLevel.MEDIUM_HIGH.label), data["medium_high"], children_url(risk=RiskLevel.MEDIUM_HIGH, **place)),
        (_("Reassessment overdue or never assessed"), data["assessments_overdue"],
         children_url(reassess="due", **place)),
        (_("Children with a benefit they should receive but do not (应享未享)"), data["benefit_gap"],
         children_url(benefit_gap="on", **place)),
        (_("Visits made"), data["visits"], url_with("visits:visit_list", **month, **county)),
        (_("High and medium-high, not yet visited at home this month"), data["high_risk_missed"],
         children_url(visit=MISSED, **place)),
        (_("Cases open on the last day"), data["cases_active"], url_with("cases:list", open_on=today)),
        *([(_("Cases opened in the period"), data["cases_opened"],
            url_with("cases:list", opened_from=month_start, opened_to=today))] if "cases_opened" in data else []),
        (_("Discovery reports filed"), data["incidents"],
         url_with("cases:incident_list", reported_from=month_start, reported_to=today, area=area)),
    ]
    counties = [{
        "name": name, "code": code, "total": total, "url": children_url(place_county=code),
        "levels": [(by_risk.get(level, 0), children_url(place_county=code, risk=level)) for level in RiskLevel.values],
        "visits": visits, "visits_url": url_with("visits:visit_list", county=code, **month),
        "missed": rest[0] if rest else None, "missed_url": children_url(place_county=code, visit=MISSED),
    } for code, name, total, by_risk, visits, *rest in data["counties"]]
    types = dict(Visit.Type.choices)
    year = {"visited_from": data["year_start"], "visited_to": today}
    by_type = [{"label": str(types.get(key, key)), "n": n, "url": url_with("visits:visit_list", type=key, **year,
                                                                             **county)}
               for key, n in data["year_visits_by_type"]]
    # Chart.js (static/js/dashboard.js) draws these from json_script; the tables beside them hold the same
    # numbers with the same links (accessible, printable, and what a browser without script shows)
    level_labels = dict(RiskLevel.choices)
    charts = [
        {"id": "chart-counties", "labels": [c["name"] for c in counties], "stacked": True,
         "datasets": [{"label": str(level_labels[level]), "key": level, "data": [c["levels"][i][0] for c in counties],
                       "urls": [c["levels"][i][1] for c in counties]} for i, level in enumerate(RiskLevel.values)]},
        {"id": "chart-visit-types", "labels": [t["label"] for t in by_type], "stacked": False,
         "datasets": [{"label": str(_("Visits made")), "key": "visits", "data": [t["n"] for t in by_type],
                       "urls": [t["url"] for t in by_type]}]},
    ]
    return {
        "today": datetime.date.fromisoformat(today), "month_start": datetime.date.fromisoformat(month_start),
        "year": data["year"], "year_start": datetime.date.fromisoformat(data["year_start"]),
        "headline": headline, "levels": [str(label) for _v, label in RiskLevel.choices], "counties": counties,
        "year_visits": data["year_visits"], "year_visits_url": url_with("visits:visit_list", **year, **county),
        "visit_types": by_type,
        "chart_data": [c for c in charts if c["labels"]],
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
