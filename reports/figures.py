"""Compose one report's content from each app's `stats.period_figures` (reports never queries their tables).

The result is a `ReportContent`: sections of facts and tables, the same tables for the PDF and the xlsx.
Long lists (who was missed) go whole to the xlsx; the PDF shows the count and the first rows.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field, is_dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import stats as team_stats
from accounts.models import StaffProfile
from activities import stats as activity_stats
from cases import stats as case_stats
from children import stats as child_stats
from children.models import RiskLevel
from visits import stats as visit_stats

from .charts import bar_chart
from .periods import Kind, Period

PDF_LIST_ROWS = 10  # rows of a long list shown in the PDF; the xlsx holds them all
NOT_YET_RECORDED = "—"


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    total: bool = False  # last row is a total
    more: int = 0  # rows left out of the PDF (all are in the xlsx)
    full_rows: list[list] | None = None  # the whole list, for the xlsx


@dataclass
class Section:
    anchor: str
    title: str
    facts: list[tuple[str, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # inline SVG
    narrative: str = ""  # key of a section the lead writes
    text: str = ""  # …and what the lead wrote
    note: str = ""


@dataclass
class ReportContent:
    kind: str
    title: str
    period: Period
    area_code: str
    area_name: str
    sections: list[Section]
    figures: dict  # the raw figures, hashed to tell whether they changed since rendering

    @property
    def figures_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.figures, sort_keys=True, default=str).encode()).hexdigest()


NARRATIVES = [
    ("work_done", gettext_lazy("Work done")),
    ("problems", gettext_lazy("Problems and difficulties")),
    ("next_steps", gettext_lazy("Plans for the next period")),
    ("suggestions", gettext_lazy("Opinions and suggestions")),
]


def narrative_titles() -> dict[str, str]:
    return {key: str(label) for key, label in NARRATIVES}


def _rows(rows, total=True, hours=False) -> list[list]:
    out = [[r.label, r.n] + ([r.hours] if hours else []) for r in rows]
    if total and rows:
        out.append([_("Total"), sum(r.n for r in rows)] + ([round(sum(r.hours or 0 for r in rows), 1)] if hours else []))
    return out


def _table(title, rows, *, first=None, total=True, hours=False) -> Table:
    headers = [first or _("Item"), _("Number")] + ([_("Hours")] if hours else [])
    return Table(title=title, headers=headers, rows=_rows(rows, total=total, hours=hours), total=total and bool(rows))


def build(kind: str, period: Period, *, area=None) -> ReportContent:
    """Every figure of the report; a fixed number of queries whatever the data size."""
    code = area.code if area else ""
    start, end = period.start, period.as_of
    registry = child_stats.period_figures(start, end, area=code or None)
    visits = visit_stats.period_figures(start, end, area=code or None)
    cases = case_stats.period_figures(start, end, area=code or None)
    incidents = case_stats.incident_figures(start, end, area=code or None)
    activities = activity_stats.period_figures(start, end, area=code or None)
    missed = [list(row) for row in visit_stats.missed_high_risk(end, area=code or None)]
    levels = dict(RiskLevel.choices)
    missed = [[name, place, str(levels.get(level, level)), worker or "—"] for name, place, level, worker in missed]

    s = []
    s.append(Section("registry", _("Children in the registry"), facts=[
        (_("In the registry on the last day"), registry.total),
        (_("Entered in the period"), registry.entered),
        (_("Left in the period"), registry.exited),
        (_("Living alone without a guardian"), registry.lives_alone),
    ], tables=[
        _table(_("By category"), registry.by_category, first=_("category"), total=False),
        _table(_("By risk level"), registry.by_risk + [child_stats.Row(_("Not yet assessed"), registry.unassessed)],
               first=_("risk level")),
        _table(_("By county"), registry.by_county, first=_("county")),
        _table(_("By age"), registry.by_age_band, first=_("age"), total=False),
        _table(_("By sex"), registry.by_sex, first=_("sex")),
        _table(_("Left the registry, by reason"), registry.exits_by_reason, first=_("exit reason")),
    ], charts=[bar_chart(_("Children by risk level"), [(r.label.split("（")[0], r.n) for r in registry.by_risk]),
               bar_chart(_("Children by county"), [(r.label, r.n) for r in registry.by_county])],
        note=_("Categories overlap: a child may hold several.")))
    analysis = None
    if kind == Kind.ANALYSIS:
        analysis = child_stats.analysis_figures(end, area=code or None)
        s.append(_analysis_section(analysis))
    s.append(Section("risk", _("Risk assessments and benefits"), facts=[
        (_("Risk assessments confirmed in the period"), registry.assessments_done),
        (_("Risk level raised"), registry.level_raised),
        (_("Risk level lowered"), registry.level_lowered),
        (_("Reassessment overdue or never assessed"), registry.assessments_overdue),
        (_("Children with a benefit they should receive but do not (应享未享)"), registry.benefit_gap),
    ], tables=[
        _table(_("Assessments by confirmed level"), registry.assessments_by_level, first=_("risk level")),
        _table(_("Benefits started"), registry.benefits_started, first=_("benefit")),
        _table(_("Benefits stopped"), registry.benefits_stopped, first=_("benefit")),
        _table(_("Schooling"), registry.by_school_stage, first=_("school stage")),
    ]))
    missed_table = Table(
        title=_("High and medium-high risk children not visited at home this month"),
        headers=[_("child"), _("actual residence"), _("risk level"), _("social worker")],
        rows=missed[:PDF_LIST_ROWS], more=max(0, len(missed) - PDF_LIST_ROWS), full_rows=missed)
    s.append(Section("visits", _("Visits"), facts=[
        (_("Visits made"), visits.total), (_("Children visited"), visits.children_visited),
        (_("Hours"), visits.hours), (_("Visits where the child was not seen"), visits.child_not_seen),
        (_("Visits that found a safety hazard"), visits.with_hazards),
        (_("High and medium-high risk children (month from %(day)s)") % {"day": f"{visits.month_start:%Y-%m-%d}"},
         visits.high_risk_children),
        (_("…visited at home that month"), visits.high_risk_visited),
        (_("…not yet visited"), visits.high_risk_missed),
        (_("Due visits overdue on the last day"), visits.overdue_due_visits),
        (_("Visits due in the period's months"), visits.due_in_period),
        (_("…done in their month"), visits.due_done_in_period),
        (_("Home visits due in the period's months"), visits.due_home_in_period),
        (_("…done in their month"), visits.due_home_done_in_period),
        (_("Follow-up contacts with villages and towns (随访)"), visits.follow_up_contacts),
        (_("…children discussed"), visits.follow_up_children),
        (_("…fed back to civil affairs"), visits.follow_up_fed_back),
        (_("Parent–child calls (亲情连线)"), visits.family_calls),
        (_("…children"), visits.family_call_children),
    ], tables=[
        _table(_("Visits by type"), visits.by_type, first=_("visit type")),
        _table(_("Visits by county"), visits.by_county, first=_("county")),
        _table(_("Visits by risk level at the visit"), visits.by_risk, first=_("risk level")),
        _table(_("Parents' contact with the child"), visits.by_parents_contact, first=_("contact")),
        _table(_("Follow-up contacts by method"), visits.follow_up_by_method, first=_("contact method")),
        missed_table,
    ], charts=[bar_chart(_("Visits by type"), [(r.label, r.n) for r in visits.by_type])]))
    s.append(Section("cases", _("Case work"), facts=[
        (_("Cases opened"), cases.opened), (_("Cases closed"), cases.closed),
        (_("Cases open on the last day"), cases.active), (_("Service records"), cases.services),
        (_("Service hours"), cases.service_hours), (_("Referrals sent"), cases.referrals),
        (_("Follow-ups after closure done (回访)"), cases.follow_ups_done),
        (_("…finding the case should be reopened"), cases.follow_ups_reopen),
        (_("Follow-ups overdue"), cases.follow_ups_overdue),
        (_("Supervision notes"), cases.supervision_notes),
    ], tables=[
        _table(_("Cases opened, by source"), cases.opened_by_source, first=_("source")),
        _table(_("Open cases by stage"), cases.active_by_stage, first=_("stage")),
        _table(_("Services by type"), cases.services_by_type, first=_("service"), hours=True),
        _table(_("Referrals by resource type"), cases.referrals_by_type, first=_("resource type")),
        _table(_("Referrals by status"), cases.referrals_by_status, first=_("status")),
        _table(_("Goals evaluated"), cases.goal_results, first=_("result")),
        _table(_("Closures by reason"), cases.closures_by_reason, first=_("closure reason")),
    ]))
    s.append(Section("incidents", _("Discovery reports"), facts=[
        (_("Discovery reports filed"), incidents.total), (_("…the danger was immediate"), incidents.immediate_danger),
        (_("…filed within an hour of being seen"), incidents.reported_within_hour),
        (_("…filed within a day of being seen"), incidents.reported_within_day),
        (_("…every required recipient told"), incidents.handled),
        (_("…within a day of filing"), incidents.handled_within_day),
        (_("Police told"), incidents.police_told),
        (_("…police feedback received in time"), incidents.police_feedback_in_time),
        (_("…police feedback still missing"), incidents.police_feedback_missing),
    ], tables=[_table(_("By situation (a report may name several)"),
                      [r for r in incidents.by_situation if r.n] or incidents.by_situation[:4],
                      first=_("situation"), total=False)]))
    activity_rows = [[k.label, k.held, k.participants, k.volunteers] for k in activities.kinds]
    activity_rows.append([_("Total"), activities.held, activities.participants,
                          sum(k.volunteers for k in activities.kinds)])
    s.append(Section("activities", _("Activities, trainings and articles"), facts=[
        (_("Activities held"), activities.held), (_("Participants"), activities.participants),
        (_("People trained"), activities.people_trained), (_("Articles approved"), activities.articles_approved),
        (_("Articles published"), activities.articles_published),
    ], tables=[
        Table(_("Activities by kind"), [_("kind"), _("Held"), _("Participants"), _("Volunteers")], activity_rows,
              total=True),
        Table(_("People trained, by position"), [_("position"), _("Number")],
              [[k, v] for k, v in activities.trained.items()]),
        Table(_("Contract targets (as at the last day)"), [_("target"), _("Done"), _("Required"), _("state")],
              [[t.title, t.done, t.required, t.state] for t in activities.targets]),
    ]))
    team = team_stats.period_figures(start, end)
    s.append(_team_section(team))
    s.append(Section("evaluation", _("Effectiveness evaluation"), facts=[
        (_("Service records"), cases.services),
        (_("Follow-ups of served children (回访)"), cases.follow_ups_done),
        (_("Social workers' feedback: supervision notes"), cases.supervision_notes),
        (_("Partner organisations' feedback"), _("not yet recorded")),
        (_("Satisfaction surveys"), _("not yet recorded")),
    ], note=_("Surveys and partner feedback are not yet recorded in the system.")))
    titles = narrative_titles()
    s.append(Section("work_done", titles["work_done"], narrative="work_done"))
    s.append(Section("problems", titles["problems"], narrative="problems"))
    s.append(Section("next_steps", titles["next_steps"], narrative="next_steps"))
    if kind in (Kind.ANALYSIS, Kind.SEMIANNUAL, Kind.ANNUAL):
        s.append(Section("suggestions", titles["suggestions"], narrative="suggestions"))

    figures = {name: _plain(value) for name, value in [
        ("registry", registry), ("visits", visits), ("cases", cases), ("incidents", incidents),
        ("activities", activities), ("missed", missed), ("analysis", analysis)]}
    figures["team"] = team.plain()
    for section in s:
        section.charts = [chart for chart in section.charts if chart]
    return ReportContent(kind=kind, title=str(Kind.LABELS[kind]), period=period, area_code=code,
                         area_name=area.name if area else _("Zhanjiang (whole city)"), sections=s, figures=figures)


def _analysis_section(a) -> Section:
    """The analysis report's own section: the registry's structure with levels as at the last day, the reasons
    for risk and the benefit gaps by benefit (schooling, parents' contact, hazards and incidents by situation
    are in the sections that follow)."""
    bands = [label for _low, _high, label in child_stats.AGE_BANDS]
    cross = Table(title=_("Category × risk level (as at the last day) × age"),
                  headers=[_("category"), _("risk level"), *bands, _("Total")],
                  rows=[[r.category, r.risk, *r.bands, r.total] for r in a.cross])
    return Section("analysis", _("Structure of the registry and reasons for risk"), facts=[
        (_("High and medium-high risk children with an assessment (as at the last day)"), a.at_risk_assessed),
    ], tables=[
        cross,
        _table(_("Reasons for risk: dimensions scored 2 or 3 (a child may have several)"), a.reasons,
               first=_("dimension"), total=False),
        _table(_("Benefit gaps by benefit (应享未享)"), a.gap_by_benefit, first=_("benefit"), total=False),
    ], charts=[bar_chart(_("Reasons for risk"), [(r.label, r.n) for r in a.reasons])],
        note=_("Risk levels here are those of each child's latest assessment on or before the last day (the "
               "current level for a child never assessed); categories overlap."))


def _team_section(team) -> Section:
    """The team and the contract's staffing rules as they stood in the period (accounts.stats, team history)."""
    def dated(pairs):
        return "、".join(f"{user}（{day:%m-%d}）" for day, user in pairs) or NOT_YET_RECORDED
    members = [[str(m.user), m.get_position_display(), _("yes") if m.full_time else _("no"),
                str(StaffProfile.Certificate(m.certificate).label), f"{m.since:%Y-%m-%d}"] for m in team.at_end]
    rules = [[r.rule, _("Met") if r.met_at_end else _("Not met"), r.why_at_end,
              "、".join(f"{day:%m-%d}" for day in r.unmet_on) or NOT_YET_RECORDED] for r in team.rules]
    return Section("team", _("Project team"), facts=[
        (_("Team members on the first day"), len(team.at_start)),
        (_("Team members on the last day"), len(team.at_end)),
        (_("…full-time"), team.full_time_at_end),
        (_("Joined the team in the period"), dated(team.joined)),
        (_("Left the team in the period"), dated(team.left)),
    ], tables=[
        Table(_("Team on the last day"), [_("name"), _("position"), _("full-time"), _("certificate level"),
                                          _("on the team since")], members),
        Table(_("Staffing rules in the period"), [_("rule"), _("on the last day"), _("why"),
                                                  _("not met from (days the team changed)")], rules),
    ])


def _plain(value):
    return asdict(value) if is_dataclass(value) else value
