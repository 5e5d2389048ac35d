"""Issue 12 item 9 and issue 14: the demo (`manage.py seed_demo`) makes sense — school stage agrees with age,
dates are in order, every role's home page has something to act on, and every role finds evaluation records.
The demo takes minutes to load, so one test loads it once and runs every check on it."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffRecord, User
from activities.models import Activity
from cases.models import Case
from children.demo import age_on
from children.models import Child
from evaluation.models import Screening, Survey
from visits.models import Visit

pytestmark = pytest.mark.django_db

# The ages at which a child may be at each stage (a year's slack either side for birthdays and late entry).
STAGE_AGES = {"none": (0, 3), "kindergarten": (3, 6), "primary": (6, 13), "junior": (12, 16), "senior": (15, 18),
              "vocational": (15, 18), "dropped_out": (12, 18), "out_of_school": (0, 18)}
ROLES = ["worker1", "worker2", "worker3", "worker4", "lead", "supervisor", "bureau", "county_bureau"]


def test_the_demo_makes_sense(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    school_stage_agrees_with_age()
    dates_are_in_order()
    every_roles_home_page_has_something_to_act_on(client)
    for username in ROLES:
        role_finds_evaluation_records(client, username)


def school_stage_agrees_with_age():
    today = timezone.localdate()
    wrong = []
    for child in Child.objects.all():
        low, high = STAGE_AGES[child.school_stage]
        age = age_on(child.birth_date, today)
        if not low <= age <= high:
            wrong.append((child.name, age, child.school_stage, child.grade))
        if child.school_stage == "primary" and child.grade != f"{age - 5}年级":
            wrong.append((child.name, age, child.school_stage, child.grade))
    assert not wrong
    assert {c.school_stage for c in Child.objects.all()} >= {"kindergarten", "primary", "junior"}


def dates_are_in_order():
    today, now = timezone.localdate(), timezone.now()
    for child in Child.objects.prefetch_related("category_links"):
        assert child.birth_date < today
        for tag in child.category_links.all():
            assert child.birth_date <= tag.recognised_on <= today
            assert tag.review_on is None or tag.review_on > tag.recognised_on
    for case in Case.objects.all():
        assert case.child.birth_date <= case.opened_on <= today
        assert case.closed_on is None or case.opened_on <= case.closed_on <= today
    for visit in Visit.objects.select_related("child"):
        assert visit.child.birth_date <= visit.visited_on <= today
    # Children entered the registry when first recognised (not on the day the demo was loaded), so last
    # month's report and the contract year's figures have a registry beside their visits.
    for child in Child.objects.prefetch_related("category_links"):
        first = min(tag.recognised_on for tag in child.category_links.all())
        assert timezone.localdate(child.created_at) == first < today
    assert not Activity.objects.filter(status=Activity.Status.HELD, starts_at__gt=now).exists()
    for survey in Survey.objects.select_related("case", "activity", "visit"):
        occasion = (survey.case.closed_on if survey.case else survey.visit.visited_on if survey.visit
                    else timezone.localdate(survey.activity.starts_at))
        assert occasion <= survey.done_on <= today
    for screening in Screening.objects.all():
        assert screening.started_on <= screening.ended_on <= today
    assert not StaffRecord.objects.filter(effective__gt=today).exists()
    assert not User.objects.filter(username="former_worker", is_active=True).exists()


def _to_act_on(card) -> bool:
    """A card that asks for something: a number above zero or a warning (not the team card, all met)."""
    return card.level in ("warning", "danger") or (isinstance(card.value, int) and card.value > 0)


def every_roles_home_page_has_something_to_act_on(client):
    empty = {}
    for username in ROLES:
        client.force_login(User.objects.get(username=username))
        response = client.get(reverse("home"))
        assert response.status_code == 200
        actionable = [c for c in response.context["cards"] if _to_act_on(c)] + list(response.context["banners"])
        if not actionable:
            empty[username] = [(str(c.title), c.value, c.level) for c in response.context["cards"]]
    assert not empty


def role_finds_evaluation_records(client, username):
    client.force_login(User.objects.get(username=username))
    partners = client.get(reverse("evaluation:partner_list"))
    assert partners.status_code == 200 and partners.context["page"].object_list, username
    surveys = client.get(reverse("evaluation:survey_list"))
    assert surveys.status_code == 200 and surveys.context["page"].object_list, username
    if username not in ("bureau", "county_bureau"):  # the workers' feedback is not the bureau's to read
        feedback = client.get(reverse("evaluation:feedback_list"))
        assert feedback.status_code == 200 and feedback.context["page"].object_list, username
