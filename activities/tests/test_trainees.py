"""Trainees as people (issue 14 item 7): a training's attendees entered as a list in one form, each
a contact on the ground (found or created); the people trained counted once each; a person entered
twice refused in Chinese with nothing saved."""

import datetime

import pytest
from django.urls import reverse

from activities.models import TrainingAttendee
from activities.stats import period_figures
from children.models import Contact

from .factories import ActivityFactory, shanghai
from .test_activity_views import attendee_list

pytestmark = pytest.mark.django_db

SUPERVISOR = ("林秀梅", "child_supervisor", "440802", "440802001", "")
DIRECTOR_1 = ("陈国华", "child_director", "440802", "440802001", "440802001001")
DIRECTOR_2 = ("许丽娟", "child_director", "440802", "440802001", "440802001002")


@pytest.fixture
def training(worker):
    return ActivityFactory(kind="training", organiser=worker, created_by=worker, starts_at=shanghai(2026, 11, 5, 9))


def add(client, training, *rows):
    return client.post(reverse("activities:attendee_add", args=[training.pk]), attendee_list(*rows))


def test_the_training_page_has_one_form_for_the_list(client_for, worker, training):
    page = client_for(worker).get(training.get_absolute_url()).content.decode()
    assert 'id="attendee-list"' in page and 'name="attendees-2-name"' in page and "添加一行" in page


def test_a_list_is_saved_in_one_post_and_known_contacts_are_picked(client_for, worker, training):
    known = Contact.objects.create(kind="child_director", name="陈国华", division_id="440802001001")
    response = add(client_for(worker), training, SUPERVISOR, DIRECTOR_1, DIRECTOR_2)
    assert response.status_code == 302
    attendees = list(training.attendees.select_related("contact"))
    assert [a.name for a in attendees] == ["林秀梅", "陈国华", "许丽娟"]
    assert next(a for a in attendees if a.name == "陈国华").contact == known  # picked, not created again
    assert Contact.objects.count() == 3 and Contact.objects.filter(name="陈国华").count() == 1
    assert {(c.kind, c.division_id) for c in Contact.objects.exclude(pk=known.pk)} == {
        ("child_supervisor", "440802001"), ("child_director", "440802001002")}


def test_a_person_entered_twice_is_refused_and_nothing_saved(client_for, worker, training):
    response = add(client_for(worker), training, SUPERVISOR, DIRECTOR_1, (" 陈国华 ", *DIRECTOR_1[1:]))
    assert response.status_code == 200
    assert "陈国华在名单中出现了两次" in response.content.decode()
    assert not training.attendees.exists() and not Contact.objects.exists()


def test_a_person_already_on_the_training_is_refused_and_nothing_saved(client_for, worker, training):
    client = client_for(worker)
    assert add(client, training, DIRECTOR_1).status_code == 302
    response = add(client, training, DIRECTOR_2, DIRECTOR_1)
    assert response.status_code == 200 and "陈国华已经在本次培训的名单中" in response.content.decode()
    assert list(training.attendees.values_list("name", flat=True)) == ["陈国华"]
    assert not Contact.objects.filter(name="许丽娟").exists()  # the new contact of the refused list is not kept


def test_people_trained_counts_each_person_once(client_for, worker, lead, training):
    second = ActivityFactory(kind="training", organiser=worker, created_by=worker,
                             starts_at=shanghai(2026, 11, 20, 9))
    client = client_for(worker)
    assert add(client, training, SUPERVISOR, DIRECTOR_1).status_code == 302
    assert add(client, second, DIRECTOR_1, DIRECTOR_2).status_code == 302  # 陈国华 trained twice
    assert TrainingAttendee.objects.count() == 4
    figures = period_figures(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert figures.trained == {"儿童主任": 2, "儿童督导员": 1} and figures.people_trained == 3
