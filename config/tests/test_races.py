"""Concurrent edits and double submits (issue 11, item 5; accounts/concurrency.py).

Two people (or one person in two tabs) open the same edit form and both save: the second, stale save is
refused with a message saying to reload, and the first one's change survives. The same creation form
posted twice creates one record."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from cases.models import Case, Incident, Referral, Resource, ResourceType
from cases.tests.case_helpers import assess, case_through, write_plan
from cases.tests.test_incidents import report_data
from children.models import BenefitEnrolment, Child, ChildCategory
from children.tests.factories import BenefitEnrolmentFactory, ChildCategoryFactory, ChildFactory
from children.tests.test_record_views import BORN, NUMBER
from children.tests.test_record_views import form_data as child_form_data
from divisions.models import Division
from visits.models import Visit

pytestmark = pytest.mark.django_db

REFUSAL = "在您打开页面之后保存了这条记录"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def as_posted(form) -> dict:
    """What the browser sends for a form (or formset) as rendered, so a test can change a field and post."""
    data = {}
    forms = [form] if not hasattr(form, "management_form") else [form.management_form, *form.forms]
    for each in forms:
        for field in each:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


# ---------------------------------------------------------------- lost updates


def test_a_stale_child_edit_is_refused_and_the_first_change_survives(worker):
    child = ChildFactory(id_number=NUMBER, name="张小明", sex="F", birth_date=BORN, social_worker=worker)
    url = reverse("children:edit", args=[child.pk])
    first, second = signed_in(worker), signed_in(worker)
    posts = []
    for client in (first, second):  # both open the form before either saves
        context = client.get(url).context
        posts.append({**as_posted(context["form"]), **as_posted(context["parents"]),
                      **as_posted(context["household"])})
    assert posts[0]["version"] == "1"
    response = first.post(url, {**posts[0], "address": "第一个人改的地址"})
    assert response.status_code == 302, response.context["form"].errors
    response = second.post(url, {**posts[1], "address": "第二个人改的地址"})
    assert response.status_code == 200
    assert REFUSAL in response.content.decode() and "请刷新页面" in response.content.decode()
    child.refresh_from_db()
    assert child.address == "第一个人改的地址" and child.version == 2


def test_a_child_edit_without_the_version_is_refused(worker, client_for):
    """A form from before the version existed (or a crafted post) cannot overwrite silently either."""
    child = ChildFactory(name="张小明", social_worker=worker)
    response = client_for(worker).post(reverse("children:edit", args=[child.pk]), child_form_data(
        name="改名", **{"parents-TOTAL_FORMS": "0", "household-TOTAL_FORMS": "0"}))
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert Child.objects.get(pk=child.pk).name == "张小明"


def test_a_stale_service_plan_save_is_refused(worker):
    case = case_services.open_case(child=ChildFactory(social_worker=worker), by=worker, source=Case.Source.VISIT,
                                   source_note="入户探访发现", reason="祖母年迈，孩子常独自在家")
    assess(case, worker)
    write_plan(case, worker)
    url = reverse("cases:plan", args=[case.pk])
    first, second = signed_in(worker), signed_in(worker)
    posts = []
    for client in (first, second):
        context = client.get(url).context
        posts.append({**as_posted(context["form"]), **{k: v for _label, formset in context["formsets"]
                                                       for k, v in as_posted(formset).items()}})
    assert first.post(url, {**posts[0], "summary": "第一个人的计划"}).status_code == 302
    response = second.post(url, {**posts[1], "summary": "第二个人的计划"})
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    case.refresh_from_db()
    assert case.plan.summary == "第一个人的计划"


def both_open(url, first_user, second_user) -> tuple[Client, dict, Client, dict]:
    """Two people open the same edit form before either saves: their clients and what each form would post."""
    opened = []
    for user in (first_user, second_user):
        client = signed_in(user)
        opened += [client, as_posted(client.get(url).context["form"])]
    return tuple(opened)


def assert_second_refused(url, first_user, second_user, first_change: dict, second_change: dict):
    first, first_form, second, second_form = both_open(url, first_user, second_user)
    assert first_form["version"] == second_form["version"] == "1"
    response = first.post(url, {**first_form, **first_change})
    assert response.status_code == 302, response.context["form"].errors
    response = second.post(url, {**second_form, **second_change})
    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSAL in page and "请刷新页面" in page


def test_a_stale_category_tag_edit_is_refused(worker, user_factory):
    colleague = user_factory(Role.SOCIAL_WORKER, ["440802"])
    child = ChildFactory(social_worker=worker, residence_id="440802001001")
    link = ChildCategoryFactory(child=child)
    url = reverse("children:category_edit", args=[child.pk, link.pk])
    assert_second_refused(url, worker, colleague, {"basis": "民发〔2019〕34号"}, {"basis": "第二个人的依据"})
    link = ChildCategory.objects.get(pk=link.pk)
    assert link.basis == "民发〔2019〕34号" and link.version == 2


def test_a_stale_benefit_enrolment_edit_is_refused(worker):
    enrolment = BenefitEnrolmentFactory(child=ChildFactory(social_worker=worker), note="")
    url = reverse("children:enrolment_edit", args=[enrolment.child_id, enrolment.pk])
    assert_second_refused(url, worker, worker, {"note": "十一月已到账"}, {"note": "第二个标签页的备注"})
    enrolment = BenefitEnrolment.objects.get(pk=enrolment.pk)
    assert enrolment.note == "十一月已到账" and enrolment.version == 2


def test_a_stale_resource_directory_edit_is_refused(worker, lead):
    resource = Resource.objects.create(name="赤坎区法律援助处", type=ResourceType.objects.first(), phone="")
    resource.counties.set(Division.objects.filter(code="440802"))
    url = reverse("cases:resource_edit", args=[resource.pk])
    assert_second_refused(url, worker, lead, {"phone": "0759-3333333"}, {"phone": "0759-4444444"})
    resource = Resource.objects.get(pk=resource.pk)
    assert resource.phone == "0759-3333333" and resource.version == 2


def test_a_stale_referral_status_update_is_refused(worker, supervisor):
    """Without the version the second update would pass the status rule too (accepted → declined) and
    overwrite the first one's outcome."""
    case = case_services.open_case(child=ChildFactory(social_worker=worker), by=worker, source=Case.Source.VISIT,
                                   source_note="入户探访发现", reason="祖母年迈，孩子常独自在家")
    case_through(case, worker, supervisor, Case.Stage.INTERVENTION)
    resource = Resource.objects.create(name="赤坎区法律援助处", type=ResourceType.objects.first())
    referral = case_services.refer(case=case, by=worker, resource=resource, need="法律咨询")
    url = reverse("cases:referral_update", args=[referral.pk])
    assert_second_refused(url, worker, supervisor, {"status": "accepted", "outcome": "已受理"},
                          {"status": "declined", "outcome": "对方不接"})
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.status, referral.outcome, referral.version) == ("accepted", "已受理", 2)


# ---------------------------------------------------------------- double submits


def test_the_visit_form_posted_twice_records_one_visit(worker):
    child = ChildFactory(name="林小雨", social_worker=worker)
    client = signed_in(worker)
    url = reverse("visits:visit_create", args=[child.pk])
    token = client.get(url).context["form"]["submission_token"].value()
    data = {"type": "home", "visited_on": timezone.localdate().isoformat(), "duration_minutes": "45",
            "child_seen": "True", "parents_contact": "weekly", "findings": "屋后鱼塘无围栏",
            "submission_token": str(token)}
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert Visit.objects.filter(child=child).count() == 1
    assert first["Location"].split("?")[0] == again["Location"].split("?")[0]  # both lead to the one visit
    # A new form (a new token) records a second visit, as it should.
    data["submission_token"] = str(client.get(url).context["form"]["submission_token"].value())
    assert client.post(url, data).status_code == 302
    assert Visit.objects.filter(child=child).count() == 2


def test_a_discovery_report_posted_twice_files_one_report_and_one_checklist(worker):
    child = ChildFactory(social_worker=worker)
    client = signed_in(worker)
    url = reverse("cases:incident_create")
    token = client.get(url).context["form"]["submission_token"].value()
    data = report_data(child=child.pk, submission_token=str(token))
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    incident = Incident.objects.get()
    assert incident.notices.count() == len({n.recipient for n in incident.notices.all()})
