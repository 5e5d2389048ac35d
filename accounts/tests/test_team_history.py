"""Team history (docs/accounts.md): the team and its staffing rules as they stood on a date and over a period."""

import datetime

import pytest
from django.urls import reverse

from accounts import stats
from accounts.models import Role, StaffProfile, StaffRecord
from conftest import make_user

pytestmark = pytest.mark.django_db

P, C, E, Ev = StaffProfile.Position, StaffProfile.Certificate, StaffProfile.Education, StaffRecord.Event
D = datetime.date
TEAM_RULE = "团队至少5名社会工作者"
WORKER_RULE = "项目社工均为相关专业专科以上并持助理社会工作师证"


def joined(name, position, day, **kw):
    user = make_user(name, Role.SOCIAL_WORKER)
    values = dict(education=E.JUNIOR_COLLEGE, major_related=True, certificate=C.ASSISTANT, child_service_years=1,
                  difficulty_service_years=1)
    values.update(kw)
    StaffRecord.objects.create(user=user, event=Ev.JOINED, effective=day, position=position, **values)
    return user


@pytest.fixture
def team(db):
    """A full team from 1 January 2026; w4 leaves on 15 March, w5 joins on 1 April."""
    start = D(2026, 1, 1)
    joined("lead_p", P.LEAD, start, education=E.BACHELOR, certificate=C.INTERMEDIATE, child_service_years=3)
    joined("w1", P.PROJECT_WORKER, start, difficulty_service_years=2)
    joined("w2", P.PROJECT_WORKER, start, difficulty_service_years=2.5)
    joined("w3", P.PROJECT_WORKER, start)
    w4 = joined("w4", P.PROJECT_WORKER, start)
    joined("sup", P.SUPERVISOR, start, difficulty_service_years=5)
    StaffRecord.objects.create(user=w4, event=Ev.LEFT, effective=D(2026, 3, 15), note="离职")
    joined("w5", P.PROJECT_WORKER, D(2026, 4, 1))


def names(members):
    return sorted(m.user.username for m in members)


def test_as_of_a_date_counts_who_was_on_the_team_then(team):
    assert names(stats.as_of(D(2025, 12, 31))) == []
    assert "w4" in names(stats.as_of(D(2026, 3, 14)))
    assert "w4" not in names(stats.as_of(D(2026, 3, 15)))  # the day of leaving is not a day on the team
    assert "w5" not in names(stats.as_of(D(2026, 3, 31)))
    assert names(stats.as_of(D(2026, 4, 1))) == ["lead_p", "sup", "w1", "w2", "w3", "w5"]


def test_someone_who_left_mid_period_is_in_the_period_but_not_at_its_end(team):
    figures = stats.period_figures(D(2026, 3, 1), D(2026, 3, 31))
    assert "w4" in names(figures.at_start) and "w4" not in names(figures.at_end)
    assert [(day, user.username) for day, user in figures.left] == [(D(2026, 3, 15), "w4")]
    assert figures.joined == []
    rule = next(r for r in figures.rules if r.rule == TEAM_RULE)
    # Four social workers plus the lead from 15 March to the end of the month: broken then, not before.
    assert not rule.met_at_end and rule.unmet_on == [D(2026, 3, 15)]


def test_the_rule_holds_again_in_the_period_after_the_replacement_joined(team):
    figures = stats.period_figures(D(2026, 4, 1), D(2026, 4, 30))
    assert [(day, user.username) for day, user in figures.joined] == [(D(2026, 4, 1), "w5")]
    assert all(r.met_throughout for r in figures.rules), [(r.rule, r.unmet_on) for r in figures.rules]


def test_a_qualification_counts_from_the_day_it_was_obtained(team):
    w3 = StaffRecord.objects.get(user__username="w3")
    StaffRecord.objects.filter(pk=w3.pk).update(certificate=C.NONE)
    StaffRecord.objects.create(user=w3.user, event=Ev.CHANGED, effective=D(2026, 2, 10), position=P.PROJECT_WORKER,
                               education=E.JUNIOR_COLLEGE, major_related=True, certificate=C.ASSISTANT)
    january = next(r for r in stats.period_figures(D(2026, 1, 1), D(2026, 1, 31)).rules if r.rule == WORKER_RULE)
    february = next(r for r in stats.period_figures(D(2026, 2, 1), D(2026, 2, 28)).rules if r.rule == WORKER_RULE)
    assert not january.met_at_end
    assert february.met_at_end and february.unmet_on == [D(2026, 2, 1)]
    member = next(m for m in stats.as_of(D(2026, 2, 9)) if m.user.username == "w3")
    assert member.certificate == C.NONE and member.since == D(2026, 1, 1)


def test_service_years_grow_with_time_on_the_project(team):
    lead = next(m for m in stats.as_of(D(2027, 1, 1)) if m.user.username == "lead_p")
    assert lead.child_service_years == 4  # 3 on joining + one year on the project


def test_a_part_time_supervisor_does_not_meet_the_supervisor_rule(team):
    sup = StaffRecord.objects.get(user__username="sup")
    StaffRecord.objects.create(user=sup.user, event=Ev.CHANGED, effective=D(2026, 5, 1), position=P.SUPERVISOR,
                               education=E.JUNIOR_COLLEGE, certificate=C.ASSISTANT, difficulty_service_years=5.5,
                               full_time=False)
    rules = {r.rule: r for r in stats.period_figures(D(2026, 5, 1), D(2026, 5, 31)).rules}
    assert not rules["配备1名有5年以上困境儿童服务经验的项目督导"].met_at_end


def test_period_figures_take_one_query_whatever_the_team_size(team, django_assert_num_queries):
    with django_assert_num_queries(1):  # the records up to the period's end, with their users
        stats.period_figures(D(2026, 1, 1), D(2026, 12, 31))


def test_the_lead_records_a_departure_in_the_admin_in_chinese(client_for, lead, team):
    client = client_for(lead)
    w1 = StaffRecord.objects.get(user__username="w1").user
    url = reverse("admin:accounts_staffrecord_add")
    page = client.get(url)
    assert page.status_code == 200 and "离开团队" in page.content.decode()
    response = client.post(url, {"user": w1.pk, "event": Ev.LEFT, "effective": "2026-06-30", "certificate": "none",
                                 "child_service_years": "0", "difficulty_service_years": "0", "note": "辞职"})
    assert response.status_code == 302
    record = StaffRecord.objects.get(user=w1, event=Ev.LEFT)
    assert record.recorded_by == lead
    assert "w1" not in names(stats.as_of(D(2026, 7, 1)))


def test_leaving_someone_not_on_the_team_is_refused(client_for, lead, team):
    w4 = StaffRecord.objects.get(user__username="w4", event=Ev.JOINED).user
    response = client_for(lead).post(reverse("admin:accounts_staffrecord_add"), {
        "user": w4.pk, "event": Ev.LEFT, "effective": "2026-06-30", "certificate": "none",
        "child_service_years": "0", "difficulty_service_years": "0"})
    assert response.status_code == 200
    assert "此人在该日期不在团队中" in response.content.decode()
    assert StaffRecord.objects.filter(user=w4).count() == 2


def test_the_supervisor_reads_the_history_but_does_not_change_it(client_for, supervisor, team):
    client = client_for(supervisor)
    assert client.get(reverse("admin:accounts_staffrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_staffrecord_add")).status_code == 403


def test_a_social_worker_cannot_open_the_history(client_for, worker, team):
    response = client_for(worker).get(reverse("admin:accounts_staffrecord_changelist"))
    assert response.status_code == 302  # not staff: the admin's login page


def test_the_monthly_report_shows_the_team_as_it_stood_in_its_month(team):
    from activities.models import ContractYear
    from reports.figures import build
    from reports.periods import Kind, parse_period

    ContractYear.objects.create(name="2026年度服务合同", signed_on=D(2026, 1, 1))
    content = build(Kind.MONTHLY, parse_period(Kind.MONTHLY, "2026-03", today=D(2026, 12, 1)))
    section = next(s for s in content.sections if s.anchor == "team")
    facts = {str(k): v for k, v in section.facts}
    assert facts["期初团队人数"] == 6 and facts["期末团队人数"] == 5
    assert facts["期内离开团队"] == "w4（03-15）"
    rules = {row[0]: row for row in section.tables[1].rows}
    assert rules[TEAM_RULE][1] == "未达标" and rules[TEAM_RULE][3] == "03-15"
    assert content.figures["team"]["left"] == [["2026-03-15", "w4"]]
