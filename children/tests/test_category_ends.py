"""Categories end on the day (issue 13 item 3): 留守 at 16, the others at 18, with a history entry and a
task for the worker; eligibility facts checked at entry and listed when they do not hold."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Notification
from children import tasks
from children.models import Category, ChildCategory
from children.services import end_categories

from .factories import ChildCategoryFactory, ChildFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def tag(child, code):
    return ChildCategoryFactory(child=child, category=Category.objects.get(code=code), recognised_on=D(2020, 1, 1))


def test_left_behind_ends_on_the_16th_birthday_not_the_day_before(worker):
    child = ChildFactory(social_worker=worker, birth_date=D(2010, 6, 15))
    tag(child, "left_behind")
    poor = tag(child, "poor_family")
    assert end_categories(today=D(2026, 6, 14)) == 0
    assert end_categories(today=D(2026, 6, 15)) == 1
    assert list(child.category_links.all()) == [poor]
    gone = ChildCategory.history.filter(child_id=child.pk, history_type="-").get()
    assert "16" in gone.history_change_reason
    note = Notification.objects.get(recipient=worker)
    assert child.name in note.title and "16" in note.title
    assert end_categories(today=D(2026, 6, 16)) == 0  # idempotent: the daily run may repeat
    assert Notification.objects.filter(recipient=worker).count() == 1


def test_other_categories_end_on_the_18th_birthday_and_the_task_says_exit(worker):
    child = ChildFactory(social_worker=worker, birth_date=D(2008, 2, 29))
    tag(child, "poor_family")
    assert end_categories(today=D(2026, 2, 27)) == 0
    assert end_categories(today=D(2026, 2, 28)) == 1  # born 29 Feb: the 18th birthday is 28 Feb in 2026
    assert not child.category_links.exists()
    assert Notification.objects.filter(recipient=worker, title__contains="18").exists()


def test_the_daily_task_runs_the_same(worker):
    child = ChildFactory(social_worker=worker, birth_date=D(2000, 1, 1))
    tag(child, "left_behind")
    assert tasks.end_categories() == "1 category tags ended"


def test_an_urban_child_cannot_be_tagged_left_behind_by_hand(client_for, worker):
    child = ChildFactory(hukou_type="urban")
    response = client_for(worker).post(reverse("children:category_add", args=[child.pk]), {
        "category": Category.objects.get(code="left_behind").pk, "recognised_on": "2026-01-05",
        "basis": "摸底"})
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not child.category_links.exists()


def test_a_severe_disability_tag_needs_grade_one_or_two(client_for, worker):
    child = ChildFactory(disability_grade=3, disability_type="physical", health="disabled")
    response = client_for(worker).post(reverse("children:category_add", args=[child.pk]), {
        "category": Category.objects.get(code="severe_disability").pk, "recognised_on": "2026-01-05",
        "basis": "残疾证"})
    assert response.status_code == 200 and "category" in response.context["form"].errors


def test_tags_whose_facts_no_longer_hold_are_listed(client_for, worker):
    child = ChildFactory(name="城镇户籍", hukou_type="rural")
    tag(child, "left_behind")
    ok = ChildFactory(name="农村户籍")
    tag(ok, "left_behind")
    child.hukou_type = "urban"  # the record changed after the tag was recorded
    child.save()
    page = client_for(worker).get(reverse("children:pending")).content.decode()
    section = page[page.index('id="ineligible"'):]
    assert "城镇户籍" in section and "农村户籍" not in section
