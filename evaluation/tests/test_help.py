"""Material help (物质帮助): items or money from a partner to a child the worker sees."""

import pytest
from django.urls import reverse

from children.tests.factories import ChildFactory
from evaluation.models import MaterialHelp, Partner

from .conftest import LEIZHOU_VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def donor(worker):
    return Partner.objects.create(name="湛江市爱心慈善会", kind="charity", created_by=worker)


def form(child, donor, **overrides):
    data = {"child": child.pk, "donor": donor.pk, "kind": "items", "description": "书包和文具一套", "value": "120",
            "given_on": "2026-11-02"}
    data.update(overrides)
    return data


def test_worker_records_help_for_a_child(client_for, worker, donor):
    child = ChildFactory(social_worker=worker)
    response = client_for(worker).post(reverse("evaluation:help_create"), form(child, donor))
    assert response.status_code == 302
    help_ = MaterialHelp.objects.get()
    assert (help_.child, help_.donor, str(help_.value), help_.recorded_by) == (child, donor, "120.00", worker)


def test_a_child_outside_the_workers_area_is_refused(client_for, worker, donor):
    elsewhere = ChildFactory(residence_id=LEIZHOU_VILLAGE)
    response = client_for(worker).post(reverse("evaluation:help_create"), form(elsewhere, donor))
    assert "不在您的服务范围" in str(response.context["form"].errors)
    assert not MaterialHelp.objects.exists()


def test_zero_value_and_duplicates_are_refused(client_for, worker, donor):
    child = ChildFactory(social_worker=worker)
    client = client_for(worker)
    assert "须大于0" in str(client.post(reverse("evaluation:help_create"), form(child, donor, value="0"))
                          .context["form"].errors)
    client.post(reverse("evaluation:help_create"), form(child, donor))
    response = client.post(reverse("evaluation:help_create"), form(child, donor))
    assert "已经登记过" in str(response.context["form"].errors)
    assert MaterialHelp.objects.count() == 1


def test_who_sees_the_help(client_for, worker, other_worker, bureau, outsider, donor, django_assert_num_queries):
    child = ChildFactory(social_worker=worker)
    MaterialHelp.objects.create(child=child, donor=donor, kind="money", description="助学金", value=500,
                                given_on="2026-11-02", recorded_by=worker)
    assert len(client_for(bureau).get(reverse("evaluation:help_list")).context["page"]) == 1
    assert len(client_for(other_worker).get(reverse("evaluation:help_list")).context["page"]) == 0
    assert len(client_for(outsider).get(reverse("evaluation:help_list")).context["page"]) == 0
    assert client_for(bureau).post(reverse("evaluation:help_create"), form(child, donor)).status_code == 403
    client = client_for(worker)
    client.get(reverse("evaluation:help_list"))  # the first request after signing in writes the session
    # session, user, the savepoint pair, areas, the total, the page's count, the page (with child, donor,
    # recorder), notifications
    with django_assert_num_queries(9):
        client.get(reverse("evaluation:help_list"))
