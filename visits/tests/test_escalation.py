"""Overdue escalation: one notification per overdue visit, to the worker and the supervisor, however often it runs."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import Notification
from children.models import RiskLevel
from children.tests.factories import ChildFactory
from visits.models import DueVisit
from visits.tasks import daily_visit_run

from .conftest import make_visit

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 6, 30,
                                                 tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False)


@pytest.fixture
def overdue_child(worker):
    child = ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH, social_worker=worker)
    make_visit(child, worker, on=D(2026, 3, 2))   # due 1 April; grace 3 days
    return child


def overdue_notes():
    return Notification.objects.filter(key__startswith="visits:overdue:")


def test_within_the_grace_days_nobody_is_notified(overdue_child):
    with at(D(2026, 4, 4)):
        daily_visit_run()
    assert not overdue_notes().exists()


def test_overdue_beyond_grace_notifies_worker_and_supervisor_exactly_once(overdue_child, worker, supervisor,
                                                                           other_worker):
    worker.email = "worker@example.cn"
    worker.save()
    with at(D(2026, 4, 5)):
        daily_visit_run()
        daily_visit_run()
    with at(D(2026, 4, 6)):
        call_command("visit_reminders")
    with at(D(2026, 5, 20)):
        daily_visit_run()
    assert sorted(overdue_notes().values_list("recipient__username", flat=True)) == [
        supervisor.username, worker.username]
    note = overdue_notes().get(recipient=worker)
    assert "逾期" in note.title and note.url.endswith(f"/visits/child/{overdue_child.pk}/new/?kind=home")
    assert not overdue_notes().filter(recipient=other_worker).exists()


def test_email_goes_out_once_when_the_worker_has_an_address(overdue_child, worker, supervisor,
                                                            django_capture_on_commit_callbacks):
    worker.email = "worker@example.cn"
    worker.save()
    with at(D(2026, 4, 6)), django_capture_on_commit_callbacks(execute=True):
        daily_visit_run()
        daily_visit_run()
    assert [m.to for m in mail.outbox] == [["worker@example.cn"]]


def test_unassigned_child_notifies_the_workers_of_its_area(worker, other_worker, supervisor):
    child = ChildFactory(risk_level=RiskLevel.HIGH)
    make_visit(child, worker, on=D(2026, 3, 2))
    with at(D(2026, 3, 25)):
        daily_visit_run()
    recipients = set(overdue_notes().values_list("recipient__username", flat=True))
    assert recipients == {worker.username, supervisor.username}
    # Two overdue items (home visit and call) → two notifications each, still one per item.
    assert overdue_notes().filter(recipient=worker).count() == 2


def test_next_cycle_overdue_notifies_again_once(overdue_child, worker, supervisor):
    with at(D(2026, 4, 6)):
        daily_visit_run()
    make_visit(overdue_child, worker, on=D(2026, 4, 7))   # next due 7 May
    with at(D(2026, 4, 20)):
        daily_visit_run()
    assert overdue_notes().filter(recipient=worker).count() == 1
    with at(D(2026, 5, 12)):
        daily_visit_run()
        daily_visit_run()
    assert overdue_notes().filter(recipient=worker).count() == 2


def test_exited_child_is_not_escalated_and_loses_its_due_visits(overdue_child, worker):
    overdue_child.exit(reason="moved_away", on=D(2026, 3, 20), by=worker)
    assert not DueVisit.objects.filter(child=overdue_child).exists()
    with at(D(2026, 4, 10)):
        daily_visit_run()
    assert not overdue_notes().exists()
    assert not DueVisit.objects.filter(child=overdue_child).exists()


def test_beat_schedule_runs_the_daily_task(settings):
    assert settings.CELERY_BEAT_SCHEDULE["visits-daily"]["task"] == "visits.tasks.daily_visit_run"
