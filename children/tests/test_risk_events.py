"""Risk follows events (issue 13 item 2): a discovery report, a change of guardian or caregiver, a dropout,
a parent coming home or leaving make a reassessment due at once; an open report ticks its trigger and
warns before a level is lowered; 高风险未开案 for the lead."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.incidents import services as incident_services
from cases.models import Case
from cases.services import open_case
from children.models import Child, RiskEvent, RiskLevel
from children.tests.factories import ChildFactory, ParentFactory

from .test_record_views import form_data

pytestmark = pytest.mark.django_db

LOW_SCORES = {"family": 1, "care": 0, "schooling": 0, "health": 0, "economy": 0, "safety": 0}


def events(child):
    return list(child.risk_events.values_list("kind", flat=True))


def edit(client, child, **overrides):
    child.refresh_from_db()
    data = form_data(**{"parents-TOTAL_FORMS": "0", "household-TOTAL_FORMS": "0", "version": str(child.version),
                        **overrides})
    response = client.post(reverse("children:edit", args=[child.pk]), data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["parents"].errors)
    child.refresh_from_db()
    return child


@pytest.fixture
def child(worker):
    return ChildFactory(social_worker=worker, guardian_name="张大山", guardian_relation="parent",
                        birth_date=datetime.date(2015, 3, 1), school_stage=Child.SchoolStage.PRIMARY)


def file_report(by, child, situations):
    return incident_services.file_incident(
        by=by, situations=situations, discovered_at=timezone.now() - datetime.timedelta(hours=2),
        place=child.residence, description="看到孩子身上有伤", child=child)


def test_a_discovery_report_makes_a_reassessment_due_at_once(worker, lead, child):
    file_report(lead, child, ["m4_abuse", "m7_missing"])
    event = child.risk_events.get()
    assert event.kind == RiskEvent.Kind.REPORT and event.reassess_by <= timezone.localdate()
    assert event.triggers == ["mandatory_report", "missing"]


def test_a_change_of_guardian_makes_a_reassessment_due(client_for, worker, child):
    edit(client_for(worker), child, guardian_name="李秀英", guardian_relation="grandparent")
    assert events(child) == [RiskEvent.Kind.GUARDIAN_CHANGE]


def test_filling_an_empty_caregiver_is_not_a_change(client_for, worker, child):
    edit(client_for(worker), child, guardian_name="张大山", caregiver_name="李秀英", caregiver_relation="祖母")
    assert events(child) == []


def test_a_dropout_makes_a_reassessment_due(client_for, worker, child):
    edit(client_for(worker), child, school_stage="dropped_out")
    assert events(child) == [RiskEvent.Kind.DROPOUT]
    edit(client_for(worker), child, school_stage="dropped_out")  # saved again: no second event
    assert events(child) == [RiskEvent.Kind.DROPOUT]


@pytest.mark.parametrize(("before", "after"), [("working_away", "at_home"), ("at_home", "working_away")])
def test_a_parent_returning_or_leaving_makes_a_reassessment_due(client_for, worker, child, before, after):
    father = ParentFactory(child=child, kind="father", name="张大山", situation=before)
    edit(client_for(worker), child, **{
        "parents-TOTAL_FORMS": "1", "parents-INITIAL_FORMS": "1", "parents-0-id": str(father.pk),
        "parents-0-kind": "father", "parents-0-name": "张大山", "parents-0-situation": after,
        "parents-0-work_place": "广东省深圳市" if after == "working_away" else "", "parents-0-phone": "",
        "parents-0-contact_frequency": "weekly",
        "parents-1-kind": "", "parents-1-situation": ""})
    assert events(child) == [RiskEvent.Kind.PARENT_MOVE]


def test_reassessment_with_an_open_report_ticks_its_trigger(client_for, worker, lead, child):
    file_report(lead, child, ["m7_missing"])
    form = client_for(worker).get(reverse("children:risk_assess", args=[child.pk])).context["form"]
    assert "missing" in form["triggers"].initial and form.open_report
    assert form["occasion"].initial == "event"


def answers(step, **extra):
    data = {f"score_{code}": value for code, value in LOW_SCORES.items()}
    data.update({"occasion": "event", "assessed_on": timezone.localdate().isoformat(), "step": step,
                 "notes": "已核实"})
    data.update(extra)
    return data


def test_lowering_the_level_while_a_report_is_open_asks_first(client_for, worker, lead, supervisor, child):
    child.set_risk_level(RiskLevel.HIGH, by=supervisor)
    file_report(lead, child, ["domestic_violence"])
    client = client_for(worker)
    url = reverse("children:risk_assess", args=[child.pk])
    response = client.post(url, answers("confirm", confirmed_level="low", triggers=[]))
    assert response.status_code == 200 and "lower_anyway" in response.context["form"].errors
    child.refresh_from_db()
    assert child.risk_level == RiskLevel.HIGH
    response = client.post(url, answers("confirm", confirmed_level="low", triggers=[], lower_anyway="on"))
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.risk_level == RiskLevel.LOW


def test_high_risk_without_a_case_is_listed_for_the_lead(client_for, worker, lead, supervisor, child):
    child.set_risk_level(RiskLevel.HIGH, by=supervisor)
    with_case = ChildFactory(social_worker=worker, risk_level=RiskLevel.HIGH)
    open_case(child=with_case, by=worker, source=Case.Source.VISIT)
    ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH)
    client = client_for(lead)
    page = client.get(reverse("children:high_risk_no_case")).content.decode()
    assert child.name in page and with_case.name not in page
    assert f"{reverse('cases:case_create')}?child={child.pk}" in page
    assert reverse("children:high_risk_no_case") in client.get(reverse("home")).content.decode()

    response = client.post(reverse("children:no_case_reason", args=[child.pk]), {"reason": "已由学校跟进，家长配合"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.no_case_reason == "已由学校跟进，家长配合"
    page = client.get(reverse("children:high_risk_no_case")).content.decode()
    assert child.name not in page[page.index('id="high-risk-no-case"'):]
    child.set_risk_level(RiskLevel.MEDIUM_HIGH, by=supervisor)
    child.set_risk_level(RiskLevel.HIGH, by=supervisor)  # confirmed high again: back on the list
    assert child.name in client.get(reverse("children:high_risk_no_case")).content.decode()


def test_the_high_risk_list_is_for_the_lead_not_the_worker(client_for, worker):
    assert client_for(worker).get(reverse("children:high_risk_no_case")).status_code == 403
    child = ChildFactory(risk_level=RiskLevel.HIGH)
    assert client_for(worker).post(reverse("children:no_case_reason", args=[child.pk]),
                                   {"reason": "x"}).status_code == 403


def test_high_risk_list_query_count_does_not_grow(client_for, lead, django_assert_max_num_queries):
    ChildFactory(risk_level=RiskLevel.HIGH)
    client = client_for(lead)
    client.get(reverse("children:high_risk_no_case"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("children:high_risk_no_case"))
    for _n in range(5):
        ChildFactory(risk_level=RiskLevel.HIGH)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("children:high_risk_no_case"))
