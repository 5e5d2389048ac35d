"""The supervisor reviews visits in the admin through the same scoping; nobody changes them there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import make_visit

pytestmark = pytest.mark.django_db


def test_supervisor_reviews_visits_in_the_admin_read_only(client_for, worker, supervisor, child):
    visit = make_visit(child, worker, on=timezone.localdate(), findings="屋后鱼塘")
    client = client_for(supervisor)
    assert client.get(reverse("admin:visits_visit_changelist")).status_code == 200
    page = client.get(reverse("admin:visits_visit_change", args=[visit.pk]))
    assert page.status_code == 200 and "屋后鱼塘" in page.content.decode()
    assert client.get(reverse("admin:visits_visit_add")).status_code == 403
    for name in ("visits_familycall", "visits_followupcontact"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_visit_admin_list_query_count_does_not_grow(client_for, worker, supervisor, child,
                                                    django_assert_max_num_queries):
    from children.tests.factories import ChildFactory

    client = client_for(supervisor)
    make_visit(child, worker, on=timezone.localdate())
    client.get(reverse("admin:visits_visit_changelist"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("admin:visits_visit_changelist"))
    for _ in range(10):
        make_visit(ChildFactory(), worker, on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:visits_visit_changelist"))


def test_sysadmin_sees_no_visits_in_the_admin(client_for, worker, sysadmin, child):
    make_visit(child, worker, on=timezone.localdate())
    assert client_for(sysadmin).get(reverse("admin:visits_visit_changelist")).status_code == 403
