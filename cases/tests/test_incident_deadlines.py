"""Alerts for recipients not told in time and reminders for late police feedback: the right moment, once.

Time travels with time_machine; the beat task is called the way beat would call it, again and again.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from accounts.models import Notification
from cases.incidents import services as incident_services
from cases.tasks import check_incident_deadlines
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
    """A report of suspected domestic violence seen and filed by the worker at 09:00 (the clocks run from discovery)."""
    with time_machine.travel(FILED, tick=False):
        return incident_services.file_incident(
            by=worker, situations=["domestic_violence"], discovered_at=FILED,
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


def test_the_lead_shortens_the_police_deadline_in_the_admin(client_for, incident, lead, worker):
    from django.urls import reverse

    from cases.models import IncidentPolicy

    url = reverse("admin:cases_incidentpolicy_change", args=[IncidentPolicy.current().pk])
    response = client_for(lead).post(url, {"police_alert_minutes": 30, "other_alert_hours": 12,
                                           "police_feedback_days": 3})
    assert response.status_code == 302
    policy = IncidentPolicy.current()
    assert (policy.police_alert_minutes, policy.updated_by) == (30, lead)
    assert policy.history.count() == 2  # created, then changed: the old value is kept
    run_at(at(minutes=29))
    assert not alerts(worker, ":late:police")
    run_at(at(minutes=31))
    assert len(alerts(worker, ":late:police")) == 1


@pytest.mark.parametrize("persona, view, change", [
    ("lead", 200, True), ("supervisor", 200, False), ("worker", 302, False)])
def test_who_reads_and_changes_the_deadlines(request, client_for, persona, view, change):
    from django.urls import reverse

    from cases.models import IncidentPolicy

    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse("admin:cases_incidentpolicy_change", args=[IncidentPolicy.current().pk])
    assert client.get(url).status_code == view
    client.post(url, {"police_alert_minutes": 5, "other_alert_hours": 12, "police_feedback_days": 3})
    assert (IncidentPolicy.current().police_alert_minutes == 5) is change


def test_a_deadline_of_zero_is_refused(client_for, lead):
    from django.urls import reverse

    from cases.models import IncidentPolicy

    url = reverse("admin:cases_incidentpolicy_change", args=[IncidentPolicy.current().pk])
    response = client_for(lead).post(url, {"police_alert_minutes": 0, "other_alert_hours": 12,
                                           "police_feedback_days": 3})
    assert response.status_code == 200 and IncidentPolicy.current().police_alert_minutes == 60
    assert "确保该值大于或等于1" in response.content.decode()


def test_report_page_marks_late_recipients_and_late_feedback(client_for, incident, worker):
    def page_at(moment):
        with time_machine.travel(moment, tick=False):
            # Signed in afresh each time: hours of travel would otherwise end the session as idle.
            return client_for(worker).get(incident.get_absolute_url()).content.decode()

    assert "已逾期" not in page_at(at(minutes=30))
    page = page_at(at(hours=2))
    police_row = page[page.index('id="recipient-police"'):page.index('id="recipient-civil_affairs"')]
    assert "应于 2026-11-30 10:00 前报告，已逾期1小时" in police_row
    log_at(incident, "police", at(hours=2), worker)
    page = page_at(at(days=3, hours=3))
    assert 'class="mb-3 alert alert-danger" id="police-feedback"' in page
    assert "应于 2026-12-03 11:00 前反馈（报告后3天内）" in page


# ---------------------------------------------------------------- the clocks run from discovery (issue 13 item 4)

def page_at(client_for, user, incident, moment) -> str:
    with time_machine.travel(moment, tick=False):
        return client_for(user).get(incident.get_absolute_url()).content.decode()


def row(page: str, recipient: str) -> str:
    start = page.index(f'id="recipient-{recipient}"')
    return page[start:page.index("</li>", start)]


def test_report_filed_at_once_shows_each_deadline_while_still_ahead(client_for, incident, worker):
    page = page_at(client_for, worker, incident, at(minutes=10))
    police, civil = row(page, "police"), row(page, "civil_affairs")
    assert "公安机关：立即（发现后60分钟内）" in police
    assert "截至 2026-11-30 10:00，还剩50分钟" in police and 'data-state="ahead"' in police
    assert "县（市、区）民政局：发现后24小时内" in civil
    assert "截至 2026-12-01 09:00，还剩23小时50分钟" in civil
    assert 'id="filed-late"' not in page and "逾期" not in page


def test_report_filed_two_days_after_discovery_shows_how_late(client_for, worker, supervisor):
    with time_machine.travel(FILED, tick=False):
        incident = incident_services.file_incident(
            by=worker, situations=["domestic_violence"], discovered_at=at(days=-2),
            place=ChildFactory().residence, description="孩子两天前被打，今天才告诉老师", child=ChildFactory())
    page = page_at(client_for, worker, incident, at(minutes=5))
    filed = page[page.index('id="filed-late"'):]
    assert "发现后2天才填报" in filed[:200]
    # Police: due 60 minutes after discovery, two days ago; 民政: due a day after discovery.
    police, civil = row(page, "police"), row(page, "civil_affairs")
    assert "应于 2026-11-28 10:00 前报告，已逾期1天23小时" in police and 'data-state="overdue"' in police
    assert "应于 2026-11-29 09:00 前报告，已逾期1天" in civil
    # The beat task alerts at once: the deadlines passed before the report was filed.
    assert run_at(at(minutes=5))["late_alerts"] == 2

    log_at(incident, "police", at(minutes=20), worker)
    police = row(page_at(client_for, worker, incident, at(minutes=30)), "police")
    assert "迟报1天23小时" in police and 'data-state="late"' in police


def test_a_recipient_told_in_time_says_so(client_for, incident, worker):
    log_at(incident, "police", at(minutes=40), worker)
    police = row(page_at(client_for, worker, incident, at(minutes=45)), "police")
    assert 'data-state="on_time"' in police and "按时报告" in police
