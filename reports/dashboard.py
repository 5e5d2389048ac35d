"""The dashboard: this month to date and the contract year to date, by county, every number a link to the
filtered list behind it (docs/reports.md, "Dashboard")."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.dates import local_today
from accounts.policy import Can
from activities.models import ContractYear
from cases import stats as case_stats
from children import stats as child_stats
from children.models import RiskLevel
from visits import stats as visit_stats

from .charts import bar_chart


def children_url(**params) -> str:
    return reverse("children:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def dashboard(user) -> dict:
    """The figures for `user`: a county bureau sees its county, everyone else the city. Fixed query count."""
    today = local_today()
    codes = user.area_codes() if not user.can(Can.SEE_PROJECT) else []
    area = codes[0][:6] if codes else None
    month_start = today.replace(day=1)
    year = ContractYear.current(today)
    year_start = year.signed_on if year else month_start
    registry = child_stats.period_figures(month_start, today, area=area)
    visits = visit_stats.period_figures(month_start, today, area=area)
    year_visits = visit_stats.period_figures(year_start, today, area=area)
    cases = case_stats.period_figures(month_start, today, area=area)
    incidents = case_stats.incident_figures(month_start, today, area=area)
    place = {"place_county": area} if area else {}
    headline = [
        (_("In the registry on the last day"), registry.total, children_url(**place)),
        (_("Entered in the period"), registry.entered, ""),
        (str(RiskLevel.HIGH.label), next(r.n for r in registry.by_risk if r.key == RiskLevel.HIGH),
         children_url(risk=RiskLevel.HIGH, **place)),
        (str(RiskLevel.MEDIUM_HIGH.label), next(r.n for r in registry.by_risk if r.key == RiskLevel.MEDIUM_HIGH),
         children_url(risk=RiskLevel.MEDIUM_HIGH, **place)),
        (_("Reassessment overdue or never assessed"), registry.assessments_overdue,
         children_url(reassess="due", **place)),
        (_("Children with a benefit they should receive but do not (应享未享)"), registry.benefit_gap,
         children_url(benefit_gap="on", **place)),
        (_("Visits made"), visits.total, ""),
        (_("…not yet visited"), visits.high_risk_missed, ""),
        (_("Cases open on the last day"), cases.active, ""),
        (_("Discovery reports filed"), incidents.total, reverse("cases:incident_list")),
    ]
    visits_by_county = {r.key: r.n for r in visits.by_county}
    counties = [{
        "name": row.label, "code": row.key, "total": row.n, "url": children_url(place_county=row.key),
        "levels": [(registry.by_county_risk.get(row.key, {}).get(level, 0),
                    children_url(place_county=row.key, risk=level)) for level in RiskLevel.values],
        "visits": visits_by_county.get(row.key, 0),
    } for row in registry.by_county]
    return {
        "today": today, "month_start": month_start, "year": year, "year_start": year_start, "headline": headline,
        "levels": [str(label) for _v, label in RiskLevel.choices], "counties": counties,
        "year_visits": year_visits.total,
        "charts": [c for c in (bar_chart(_("Children by county"), [(c["name"], c["total"]) for c in counties]),
                               bar_chart(_("Visits by type"), [(r.label, r.n) for r in year_visits.by_type]))
                   if c],
    }
