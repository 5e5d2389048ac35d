"""Plans with as many goals and services as needed (issue 12 item 5): rows added and removed in the
page, through HTTP; an approved version stays on file; an evaluated goal cannot be removed."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent
from cases.pdf import case_entries

from .case_helpers import approve_plan, case_through, service_type

pytestmark = pytest.mark.django_db
S = Case.Stage


def url(name, case):
    return reverse(f"cases:{name}", args=[case.pk])


def _value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "pk", value)


def page_data(response) -> dict:
    """What the browser would post back from the plan page as it was shown."""
    form = response.context["form"]
    data = {name: _value(form[name].value()) for name in form.fields}
    for _label, formset in response.context["formsets"]:
        management = formset.management_form
        data.update({f"{formset.prefix}-{n}": _value(management[n].value()) for n in management.fields})
        for sub in formset.forms:
            for name in sub.fields:
                value = _value(sub[name].value())
                if name == "DELETE":
                    if value:
                        data[sub.add_prefix(name)] = "on"
                    continue
                data[sub.add_prefix(name)] = value
    return data


def add_rows(data, prefix, rows: list[dict]) -> dict:
    """Fill blank rows and add more, as the 添加一行 button does (TOTAL_FORMS grows)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    start = int(data[f"{prefix}-INITIAL_FORMS"])
    for offset, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{start + offset}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(max(total, start + len(rows)))
    return data


GOALS = [{"text": f"目标{n}：每周与父母视频一次", "measure": "社工每月核对"} for n in range(1, 7)]
SERVICE = {"service_type": "", "description": "指导祖母", "owner": "社工", "starts_on": "2026-12-01",
           "ends_on": "2027-01-31"}


def test_the_plan_page_offers_add_and_remove_and_blank_rows(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    page = client_for(worker).get(url("plan", case)).content.decode()
    assert "添加一行" in page and "js/formsets.js" in page and "<template data-formset-empty>" in page
    assert 'name="goals-1-text"' in page  # blank rows to fill without JavaScript
    assert 'name="goals-__prefix__-text"' in page and 'name="goals-0-DELETE"' in page


def test_six_goals_are_saved_and_a_removed_row_is_deleted(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    client = client_for(worker)
    data = add_rows(page_data(client.get(url("plan", case))), "goals", GOALS)
    data["summary"] = "稳定照料"
    data = add_rows(data, "services", [{**SERVICE, "service_type": service_type("family_education").pk},
                                       {**SERVICE, "service_type": service_type("companionship").pk}])
    assert client.post(url("plan", case), data).status_code == 302
    plan = case.plans.get()
    assert [g.text for g in plan.goals.all()] == [g["text"] for g in GOALS]
    assert plan.services.count() == 2

    data = page_data(client.get(url("plan", case)))
    assert data["goals-INITIAL_FORMS"] == 6
    data["goals-2-DELETE"] = "on"  # the third goal's 删除
    data["services-1-DELETE"] = "on"
    data["goals-6-text"] = "目标7：学会求助电话"  # the first blank row
    assert client.post(url("plan", case), data).status_code == 302
    texts = [g.text for g in plan.goals.all()]
    assert len(texts) == 6 and GOALS[2]["text"] not in texts and texts[-1] == "目标7：学会求助电话"
    assert plan.services.count() == 1


def test_removing_a_goal_of_an_approved_plan_needs_approval_and_keeps_the_approved_text(
        client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    client = client_for(worker)
    data = add_rows(page_data(client.get(url("plan", case))), "goals", GOALS[:2])
    data = add_rows(data, "services", [{**SERVICE, "service_type": service_type("family_education").pk}])
    assert client.post(url("plan", case), data).status_code == 302
    case.refresh_from_db()
    approve_plan(case, worker, supervisor)
    assert case.stage == S.INTERVENTION

    data = page_data(client.get(url("plan", case)))
    data["goals-1-DELETE"] = "on"
    assert client.post(url("plan", case), data).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.PLAN and not case.plan_is_approved() and case.plan.goals.count() == 1
    approved = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.PLAN_REQUESTED).snapshot
    assert GOALS[1]["text"] in approved  # the approved version, as approved
    archive = " ".join(text for e in case_entries(case, worker) for _label, text in e.lines)
    assert GOALS[1]["text"] in archive


def test_an_evaluated_goal_cannot_be_removed(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.EVALUATION)
    client = client_for(worker)
    services.check_plan_editable(case)
    data = page_data(client.get(url("plan", case)))
    data["goals-0-DELETE"] = "on"
    response = client.post(url("plan", case), data)
    assert response.status_code == 200
    assert "已经评估" in str(response.context["formsets"][0][1].non_form_errors())
    assert case.plan.goals.count() == 1
