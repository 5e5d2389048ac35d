"""Alerts for recipients not told in time and reminders for late police feedback: the right moment, once.

Time travels with time_machine; the beat task is called the way beat would call it, again and again.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from accounts.models import Notification
from cases import incident_services
from cases.incident_tasks import check_incident_deadlines
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FILED = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)


def at(**delta) -> datetime.datetime:
    return FILED + datetime.timedelta(**delta)


def run_at(moment: datetime.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return check_incident_deadlines()


def alerts(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, key__contains=kind))


@pytest.fixture
def incident(worker, supervisor):
    """A report of suspected domestic violence filed by the worker at 09:00."""
    with time_machine.travel(FILED, tick=False):
        return incident_services.file_incident(
            by=worker, situations=["domestic_violence"], discovered_at=at(minutes=-20),
            place=ChildFactory().residence, description="邻居听到打骂声，孩子脸上有伤",
            child=ChildFactory(name="小明"))


def log_at(incident, recipient, moment, by):
    with time_machine.travel(moment, tick=False):
        return incident_services.log_notice(incident=incident, recipient=recipient, by=by, notified_at=moment,
                                            channel="phone", receiver="值班民警", receipt_number="JJ-77")


def test_police_alert_after_one_hour_to_reporter_and_supervisor_exactly_once(incident, worker, supervisor, lead):
    assert run_at(at(minutes=59)) == {"late_alerts": 0, "feedback_reminders": 0}
    assert not Notification.objects.filter(key__contains=":late:").exists()

    assert run_at(at(minutes=61))["late_alerts"] == 1
    for moment in (at(minutes=66), at(hours=2), at(hours=5)):
        assert run_at(moment)["late_alerts"] == 0
    for user in (worker, supervisor):
        [alert] = alerts(user, ":late:police")
        assert alert.level == "danger" and "公安机关" in alert.title and alert.url == incident.get_absolute_url()
        assert alert.created_at == at(minutes=61)
    assert not alerts(lead, ":late:")  # the lead is not on the alert list


def test_civil_affairs_alert_after_a_day_exactly_once(incident, worker, supervisor):
    log_at(incident, "police", at(minutes=30), worker)
    for moment in (at(hours=2), at(hours=23, minutes=59)):
        run_at(moment)
    assert not Notification.objects.filter(key__contains=":late:").exists()
    run_at(at(hours=24, minutes=1))
    run_at(at(hours=30))
    assert len(alerts(worker, ":late:civil_affairs")) == 1
    assert len(alerts(supervisor, ":late:civil_affairs")) == 1
    assert not alerts(worker, ":late:police")


def test_no_alert_when_recipients_are_told_in_time(incident, worker):
    log_at(incident, "police", at(minutes=40), worker)
    log_at(incident, "civil_affairs", at(hours=3), worker)
    for moment in (at(hours=1, minutes=1), at(hours=25), at(days=2)):
        run_at(moment)
    assert not Notification.objects.filter(key__contains=":late:").exists()


def test_suggested_recipients_never_raise_an_alert(incident, worker):
    log_at(incident, "police", at(minutes=10), worker)
    log_at(incident, "civil_affairs", at(minutes=20), worker)
    run_at(at(days=10))
    assert incident.notices.get(recipient="village").need == "suggested"
    assert not Notification.objects.filter(key__contains=":late:").exists()


def test_police_feedback_reminder_after_three_days_exactly_once(incident, worker, supervisor):
    told = at(minutes=30)
    log_at(incident, "police", told, worker)
    log_at(incident, "civil_affairs", at(hours=1), worker)
    assert run_at(told + datetime.timedelta(days=3, minutes=-1))["feedback_reminders"] == 0
    assert run_at(told + datetime.timedelta(days=3, minutes=1))["feedback_reminders"] == 1
    for extra_hours in (1, 6, 48):
        assert run_at(told + datetime.timedelta(days=3, hours=extra_hours))["feedback_reminders"] == 0
    for user in (worker, supervisor):
        [reminder] = alerts(user, ":police-feedback")
        assert "3" in reminder.title and "JJ-77" in reminder.body


def test_no_feedback_reminder_when_the_police_answered_in_time(incident, worker):
    told = at(minutes=30)
    log_at(incident, "police", told, worker)
    with time_machine.travel(at(days=2), tick=False):
        incident_services.record_police_feedback(incident=incident, by=worker, received_at=at(days=2),
                                                 feedback="已受理，正在调查")
    run_at(at(days=4))
    assert not Notification.objects.filter(key__contains=":police-feedback").exists()


def test_the_beat_schedule_runs_the_check():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["incident-deadlines"]
    assert entry["task"] == "cases.incident_tasks.check_incident_deadlines"
    assert entry["task"] in app.tasks
