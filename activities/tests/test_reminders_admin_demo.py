"""The month-end reminder, the lead's admin for contract years, and the idempotent demo data."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Notification
from activities import demo
from activities.models import Activity, Article, ContractYear, Target
from activities.services import create_contract_year, remind_missing_targets
from activities.tasks import remind_contract_targets

from .factories import ActivityFactory, shanghai

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def year():
    return create_contract_year(name="2026 年度", signed_on=D(2026, 3, 15))


def test_lead_is_reminded_once_when_a_month_ends_within_a_week_without_an_activity(year, lead, worker):
    assert remind_missing_targets(today=D(2026, 4, 6)) == []  # 8 days left: not yet
    sent = remind_missing_targets(today=D(2026, 4, 8))
    assert [n.recipient for n in sent] == [lead]
    assert "2026-04-14" in sent[0].title
    remind_missing_targets(today=D(2026, 4, 9))
    assert Notification.objects.filter(recipient=lead).count() == 1
    assert not Notification.objects.filter(recipient=worker).exists()


def test_no_reminder_when_the_month_has_its_activity(year, lead):
    ActivityFactory(starts_at=shanghai(2026, 4, 1, 9))
    assert remind_missing_targets(today=D(2026, 4, 10)) == []


@time_machine.travel(datetime.datetime(2026, 4, 13, 16, 30, tzinfo=datetime.UTC))  # 14 April 00:30 in Zhanjiang
def test_daily_task_judges_today_in_shanghai(year, lead):
    assert remind_contract_targets() == 1


def test_lead_adds_a_contract_year_in_the_admin_and_gets_the_contracts_targets(client_for, lead):
    response = client_for(lead).post(reverse("admin:activities_contractyear_add"), {
        "name": "2027 年度", "signed_on": "2027-03-15",
        "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0", "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302
    year = ContractYear.objects.get(name="2027 年度")
    assert year.targets.count() == 4 and year.targets.get(rule=Target.Rule.YEAR_TOTAL).minimum == 12


def test_supervisor_reads_contract_years_but_cannot_change_them(client_for, supervisor, year):
    client = client_for(supervisor)
    assert client.get(reverse("admin:activities_contractyear_change", args=[year.pk])).status_code == 200
    response = client.post(reverse("admin:activities_contractyear_add"), {"name": "x", "signed_on": "2028-01-01"})
    assert response.status_code == 403
    assert ContractYear.objects.count() == 1


def test_demo_seed_is_idempotent():
    call_command("seed_demo", force=True)
    counts = (ContractYear.objects.count(), Activity.objects.count(), Article.objects.count(), Target.objects.count())
    demo.seed()
    assert counts == (ContractYear.objects.count(), Activity.objects.count(), Article.objects.count(),
                      Target.objects.count())
    assert counts[1] >= 12 and set(Article.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "returned", "approved", "published"}
    assert ContractYear.objects.get().signed_on == D(2026, 3, 15)

