import datetime

import pytest
from django.urls import reverse

from children import idnumber
from children.models import Child
from children.tests.factories import BenefitEnrolmentFactory, ChildCategoryFactory, ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:children_child_changelist")


def make_children(n: int, start: int = 0):
    for i in range(start, start + n):
        child = ChildFactory(id_number=idnumber.make("440802", datetime.date(2014, 1, 1), i, "F"),
                             birth_date=datetime.date(2014, 1, 1), social_worker=None)
        ChildCategoryFactory(child=child)


def test_changelist_query_count_does_not_grow_with_children(supervisor, client_for, django_assert_num_queries):
    client = client_for(supervisor)
    make_children(3)
    client.get(CHANGELIST)  # warm caches (content types, session)
    # session, user, savepoint + release, counties (county filter), the categories (category filter),
    # count filtered (capped: CappedCountPaginator; no count total, show_full_result_count is off), user
    # permissions + group permissions (actions), the page of children joined to residence and social
    # worker, unread notifications (navigation bar). (One page: no separate query of the page's keys.)
    with django_assert_num_queries(11) as first:
        assert client.get(CHANGELIST).status_code == 200
    make_children(12, start=3)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 15


def test_changelist_pages_by_key_hold_the_right_children_in_order(supervisor, client_for):
    """The page's keys first, then its rows (CappedCountPaginator.page): page 2 of 60 children by name."""
    for i in range(60):
        ChildFactory(name=f"儿童{i:02d}", birth_date=datetime.date(2014, 1, 1))
    response = client_for(supervisor).get(CHANGELIST, {"p": 2})
    shown = [child.name for child in response.context["cl"].result_list]
    assert shown == [f"儿童{i:02d}" for i in range(50, 60)]
    assert "儿童59" in response.content.decode() and "儿童49" not in response.content.decode()
    sorted_desc = client_for(supervisor).get(CHANGELIST, {"p": 2, "o": "-1"}).context["cl"].result_list
    assert [child.name for child in sorted_desc] == [f"儿童{i:02d}" for i in range(9, -1, -1)]


def test_changelist_shows_masked_ids_only(supervisor, client_for):
    number = idnumber.make("440802", datetime.date(2014, 1, 1), 1, "F")
    ChildFactory(id_number=number, birth_date=datetime.date(2014, 1, 1))
    content = client_for(supervisor).get(CHANGELIST).content.decode()
    assert number not in content and idnumber.mask(number) in content


def test_change_page_has_inlines_and_never_the_full_id(supervisor, client_for):
    number = idnumber.make("440802", datetime.date(2014, 1, 1), 2, "F")
    child = ChildFactory(id_number=number, birth_date=datetime.date(2014, 1, 1))
    ParentFactory(child=child, name="王大力")
    BenefitEnrolmentFactory(child=child)
    response = client_for(supervisor).get(reverse("admin:children_child_change", args=[child.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "王大力" in content and number not in content
    assert {type(f.opts).__name__ for f in response.context["inline_admin_formsets"]} >= {
        "ParentInline", "HouseholdInline", "CategoryInline", "EnrolmentInline"}


@pytest.mark.parametrize(("term", "expected"), [
    ("zxm", ["张小明"]), ("ZhangXiao", ["张小明"]), ("zhang xiao ming", ["张小明"]), ("小明", ["张小明"]),
    ("13800138000", ["李四"]),
])
def test_admin_search_by_pinyin_initials_phone_and_id(supervisor, client_for, term, expected):
    ChildFactory(name="张小明")
    ChildFactory(name="李四", guardian_phone="13800138000")
    ChildFactory(name="王五")
    response = client_for(supervisor).get(CHANGELIST, {"q": term})
    assert [c.name for c in response.context["cl"].result_list] == expected


def test_admin_search_by_exact_id_number_goes_through_the_blind_index(supervisor, client_for):
    number = idnumber.make("440802", datetime.date(2014, 1, 1), 4, "F")
    child = ChildFactory(id_number=number, birth_date=datetime.date(2014, 1, 1))
    ChildFactory()
    response = client_for(supervisor).get(CHANGELIST, {"q": number.lower()})
    assert list(response.context["cl"].result_list) == [child]


def test_county_filter(supervisor, client_for):
    ChildFactory(name="赤坎娃")
    ChildFactory(name="雷州娃", residence_id="440882001001")
    response = client_for(supervisor).get(CHANGELIST, {"county": "440882"})
    assert [c.name for c in response.context["cl"].result_list] == ["雷州娃"]


def test_nothing_can_be_deleted_in_the_admin(supervisor, client_for):
    child = ChildFactory()
    client = client_for(supervisor)
    assert client.get(reverse("admin:children_child_delete", args=[child.pk])).status_code == 403
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [child.pk]})
    assert Child.objects.filter(pk=child.pk).exists()
    assert response.status_code in (200, 302)


def test_admin_refuses_sex_that_contradicts_the_id_number(supervisor, client_for):
    number = idnumber.make("440802", datetime.date(2014, 1, 1), 5, "F")
    child = ChildFactory(id_number=number, birth_date=datetime.date(2014, 1, 1), sex="F")
    url = reverse("admin:children_child_change", args=[child.pk])
    response = client_for(supervisor).get(url)
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update({"sex": "M", "residence": child.residence_id, "birth_date": "2014-01-01", "hukou_type": "rural",
                 "health": "healthy", "economy": "none", "status": "registered", "source": "survey",
                 "legal_basis": "statutory_duty", "created_at_0": "2026-01-01", "created_at_1": "00:00:00"})
    for prefix in ("parents", "household_members", "category_links", "benefit_enrolments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client_for(supervisor).post(url, data)
    assert response.status_code == 200
    assert "sex" in response.context["adminform"].form.errors
    child.refresh_from_db()
    assert child.sex == "F"


@pytest.mark.parametrize("persona", ["worker", "bureau", "county_bureau"])
def test_non_staff_roles_cannot_use_the_child_admin(persona, request, client_for):
    ChildFactory()
    response = client_for(request.getfixturevalue(persona)).get(CHANGELIST)
    assert response.status_code == 302  # to the admin login


def test_lead_edits_reference_data_supervisor_reads_it(lead, supervisor, client_for):
    url = reverse("admin:children_benefit_changelist")
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(lead).get(reverse("admin:children_benefit_add")).status_code == 200
