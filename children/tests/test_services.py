import datetime

import pytest
from django.core.exceptions import ValidationError

from children import idnumber
from children.models import BenefitEnrolment, Child, ChildCategory, HouseholdMember, Parent
from children.services import change_history, create_child, find_by_id_number
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(2013, 7, 9)
NUMBER = idnumber.make("440882", BORN, 21, "M")


def child_data(**overrides):
    data = {"name": "林志强", "sex": "M", "birth_date": BORN, "id_number": NUMBER.lower(),
            "residence_id": "440882001001", "guardian_phone": "13800138000"}
    data.update(overrides)
    return data


def test_create_child_saves_every_row(other_worker):
    child = create_child(
        data=child_data(), by=other_worker,
        parents=[{"kind": "father", "name": "林大", "situation": "working_away", "work_place": "广东省广州市"},
                 {"kind": "mother", "name": "陈二", "situation": "at_home"}],
        household=[{"name": "林奶奶", "relation": "祖母", "birth_year": 1955}],
        categories=[{"category": "left_behind", "recognised_on": datetime.date(2026, 3, 1), "basis": "摸排"}],
        enrolments=[{"benefit": "education_aid", "status": "applied"}])
    assert child.id_number == NUMBER and child.created_by == other_worker
    assert child.parents.count() == 2 and child.household_members.count() == 1
    assert child.category_links.get().category.code == "left_behind"
    assert child.benefit_enrolments.get().status == BenefitEnrolment.Status.APPLIED
    assert child.history.get().history_user == other_worker


def test_create_child_is_all_or_nothing(other_worker):
    with pytest.raises(Exception):  # noqa: B017, PT011  an unknown category code fails the whole write
        create_child(data=child_data(), by=other_worker,
                     parents=[{"kind": "father", "name": "林大"}],
                     categories=[{"category": "no-such-category", "recognised_on": datetime.date(2026, 3, 1),
                                  "basis": "x"}])
    assert not Child.objects.exists() and not Parent.objects.exists()
    assert not ChildCategory.objects.exists() and not HouseholdMember.objects.exists()


def test_create_child_refuses_a_duplicate_without_revealing_it_to_an_outsider(worker, other_worker):
    ChildFactory(id_number=NUMBER, name="原有记录", residence_id="440882001001", birth_date=BORN, sex="M")
    with pytest.raises(ValidationError) as caught:
        create_child(data=child_data(), by=worker)  # worker of 赤坎区 does not see 雷州市
    assert caught.value.code == "duplicate_id_number"
    assert "原有记录" not in str(caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        create_child(data=child_data(), by=other_worker)
    assert "原有记录" in str(caught.value.messages)
    assert Child.objects.count() == 1


def test_create_child_refuses_an_invalid_id_number(worker):
    with pytest.raises(ValidationError) as caught:
        create_child(data=child_data(id_number=NUMBER[:-1] + ("1" if NUMBER[-1] != "1" else "2")), by=worker)
    assert caught.value.code == "id_check_digit"
    assert find_by_id_number(NUMBER) is None


def test_change_history_lists_who_when_old_and_new(worker):
    child = create_child(data=child_data(), by=worker,
                         parents=[{"kind": "father", "name": "林大", "situation": "working_away",
                                   "work_place": "广东省广州市"}])
    child.school_stage = Child.SchoolStage.DROPPED_OUT
    child._history_user = worker
    child.save()
    parent = child.parents.get()
    parent.situation = Parent.Situation.AT_HOME
    parent._history_user = worker
    parent.save()
    entries = change_history(child)
    changes = {(c.field, c.old, c.new) for e in entries for c in e.changes}
    assert ("就学阶段", "—", "辍学") in changes
    assert ("状况", "外出务工", "在家") in changes
    assert all(e.who == str(worker) for e in entries)
