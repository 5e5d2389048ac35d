"""随访 feedback to the county civil affairs bureau (issue 13 item 5): a notice with a deadline, a reminder
from the daily run, the county bureau's receipt, and the follow-up list's filters and pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from conftest import CHIKAN
from visits.models import FollowUpContact
from visits.tasks import daily_visit_run

from .test_calls_and_followups import followup_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def chikan_bureau(user_factory):
    """赤坎区民政局: the county bureau of the worker's county."""
    return user_factory(Role.COUNTY_BUREAU, [CHIKAN], "chikan_bureau")


def contact(worker, *, on=None, village="440802001001", **extra) -> FollowUpContact:
    on = on or TODAY()
    return FollowUpContact.objects.create(
        division_id=village, contacted_on=on, contact_name="李主任", contact_role="儿童主任", learned="村内正常",
        recorded_by=worker, feedback_due_on=on + datetime.timedelta(days=7), **extra)


def test_feedback_is_a_notice_the_county_bureau_marks_received(client_for, worker, chikan_bureau, county_bureau):
    client = client_for(worker)
    client.post(reverse("visits:followup_create"), followup_data())
    item = FollowUpContact.objects.get()
    assert item.feedback_due_on == TODAY() + datetime.timedelta(days=7)
    page = client.get(item.get_absolute_url()).content.decode()
    assert f"应于 {item.feedback_due_on:%Y-%m-%d} 前反馈" in page and "反馈给县（市、区）民政局" in page
    assert 'value="赤坎区民政局"' in page  # the county bureau is proposed as the receiver
    assert not Notification.objects.filter(key__startswith="followup:").exists()

    url = reverse("visits:followup_feedback", args=[item.pk])
    response = client.post(url, {"fed_back_to": "赤坎区民政局", "fed_back_on": TODAY().isoformat(),
                                 "feedback_note": "村里两名留守儿童由祖父母照料，情况稳定"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.fed_back and item.feedback_note == "村里两名留守儿童由祖父母照料，情况稳定"
    [notice] = Notification.objects.filter(key=f"followup:{item.pk}:feedback")
    assert notice.recipient == chikan_bureau and notice.url == item.get_absolute_url()  # not 遂溪's bureau
    # a second send is refused, not repeated
    assert client.post(url, {"fed_back_to": "x", "fed_back_on": TODAY().isoformat(),
                             "feedback_note": "y"}).status_code == 302
    assert FollowUpContact.objects.get().fed_back_to == "赤坎区民政局"
    assert Notification.objects.filter(key=f"followup:{item.pk}:feedback").count() == 1

    # the worker cannot sign for the bureau; another county's bureau does not see it
    received = reverse("visits:followup_received", args=[item.pk])
    assert client.post(received).status_code == 403
    assert client_for(county_bureau).post(received).status_code == 404
    bureau = client_for(chikan_bureau)
    listing = bureau.get(reverse("visits:followup_list") + "?feedback=fed_back")
    assert [c.pk for c in listing.context["contacts"]] == [item.pk]
    assert "签收" in bureau.get(item.get_absolute_url()).content.decode()
    assert bureau.post(received).status_code == 302
    item.refresh_from_db()
    assert item.received_by == chikan_bureau and item.received_at is not None
    assert Notification.objects.filter(recipient=worker, key=f"followup:{item.pk}:received").count() == 1
    bureau.post(received)  # twice: nothing changes
    assert Notification.objects.filter(recipient=worker, key=f"followup:{item.pk}:received").count() == 1
    assert "已于" in bureau.get(item.get_absolute_url()).content.decode()


def test_feedback_ticked_on_the_form_notifies_at_once(client_for, worker, chikan_bureau):
    client_for(worker).post(reverse("visits:followup_create"), followup_data(
        fed_back="on", fed_back_to="赤坎区民政局", fed_back_on=TODAY().isoformat()))
    item = FollowUpContact.objects.get()
    assert Notification.objects.filter(recipient=chikan_bureau, key=f"followup:{item.pk}:feedback").count() == 1


def test_daily_run_reminds_of_feedback_past_its_deadline_once(worker, supervisor):
    today = TODAY()
    late = contact(worker, on=today - datetime.timedelta(days=8))
    contact(worker, on=today - datetime.timedelta(days=7))  # due today: not late yet
    contact(worker, on=today - datetime.timedelta(days=20), fed_back=True, fed_back_to="赤坎区民政局",
            fed_back_on=today - datetime.timedelta(days=19))
    daily_visit_run()
    daily_visit_run()
    reminders = Notification.objects.filter(key__endswith=":late", key__startswith="followup:")
    assert sorted(n.recipient.username for n in reminders) == sorted([worker.username, supervisor.username])
    assert {n.key for n in reminders} == {f"followup:{late.pk}:late"}
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        daily_visit_run()
    assert Notification.objects.filter(key__startswith="followup:", key__endswith=":late").count() == 4


def test_follow_up_list_filters_and_pages(client_for, worker):
    today = TODAY()
    old = [contact(worker, on=today - datetime.timedelta(days=10)) for _ in range(3)]  # overdue
    fresh = [contact(worker, on=today) for _ in range(27)]
    elsewhere = contact(worker, village="440823101002")  # recorded by the worker outside 赤坎区
    client = client_for(worker)

    def ids(query):
        return [c.pk for c in client.get(reverse("visits:followup_list") + query).context["contacts"]]

    assert sorted(ids("?feedback=overdue")) == sorted(c.pk for c in old)
    assert len(ids("")) == 25 and len(ids("?page=2")) == 6
    assert elsewhere.pk not in ids(f"?county={CHIKAN}&page=2") and len(ids(f"?county={CHIKAN}&page=2")) == 5
    start = (today - datetime.timedelta(days=11)).isoformat()
    end = (today - datetime.timedelta(days=9)).isoformat()
    assert sorted(ids(f"?from={start}&to={end}")) == sorted(c.pk for c in old)
    page = client.get(reverse("visits:followup_list") + "?feedback=pending").content.decode()
    assert "page=2" in page and "feedback=pending&amp;page=2" in page  # the filters follow the pages
    assert len(fresh) == 27
