import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.models import Approval, AuditEntry, Notification, StaffProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(worker):
    # Any model with get_absolute_url will do; a staff profile is the simplest in this app.
    return StaffProfile.objects.create(user=worker, position="project_worker", education="bachelor")


def test_notify_with_key_notifies_exactly_once(worker):
    for _ in range(3):
        services.notify(recipients=[worker], title="逾期提醒", key="visit:1:overdue")
    assert Notification.objects.filter(recipient=worker).count() == 1


def test_bell_shows_unread_count_and_opening_marks_read(client, worker):
    note = services.notify(recipients=[worker], title="新消息", url="/accounts/team/")[0]
    client.force_login(worker)
    assert client.get(reverse("home")).context["unread_count"] == 1
    response = client.get(reverse("accounts:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == "/accounts/team/"
    assert client.get(reverse("home")).context["unread_count"] == 0


def test_cannot_open_someone_elses_notification(client, worker, other_worker):
    note = services.notify(recipients=[other_worker], title="别人的")[0]
    client.force_login(worker)
    assert client.get(reverse("accounts:notification_open", args=[note.pk])).status_code == 404


def test_approval_request_notifies_approvers_and_decision_notifies_requester(target, worker, supervisor):
    approval = services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    services.approve(approval=approval, by=supervisor, comment="同意")
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED and approval.decided_by == supervisor
    assert Notification.objects.filter(recipient=worker).count() == 1
    assert services.is_approved(target, "plan")


def test_nobody_approves_their_own_request(target, supervisor):
    approval = services.request_approval(obj=target, kind="plan", by=supervisor, approver_role="supervisor")
    with pytest.raises(PermissionDenied):
        services.approve(approval=approval, by=supervisor)
    approval.refresh_from_db()
    assert approval.status == Approval.Status.PENDING


def test_wrong_role_cannot_decide(target, worker, other_worker):
    approval = services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")
    with pytest.raises(PermissionDenied):
        services.approve(approval=approval, by=other_worker)


def test_return_needs_a_comment_and_history_is_kept(target, worker, supervisor):
    first = services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")
    with pytest.raises(ValidationError):
        services.return_for_revision(approval=first, by=supervisor, comment="  ")
    services.return_for_revision(approval=first, by=supervisor, comment="目标写具体些")
    services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")
    history = list(services.approval_history(target, "plan"))
    assert [a.status for a in history] == [Approval.Status.PENDING, Approval.Status.RETURNED]
    assert not services.is_approved(target, "plan")


def test_second_pending_request_is_refused(target, worker):
    services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")
    with pytest.raises(ValidationError):
        services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor")


def test_approval_for_other_content_does_not_count(target, worker, supervisor):
    approval = services.request_approval(obj=target, kind="plan", by=worker, approver_role="supervisor",
                                         fingerprint="v1")
    services.approve(approval=approval, by=supervisor)
    assert services.is_approved(target, "plan", fingerprint="v1")
    assert not services.is_approved(target, "plan", fingerprint="v2")


def test_audit_chain_detects_tampering(worker, target):
    services.audit(user=worker, action="reveal_id", target=target)
    services.audit(user=worker, action="export", target=target, rows=10)
    assert services.verify_audit_chain() == []
    AuditEntry.objects.filter(action="export").update(detail={"rows": 1})
    assert len(services.verify_audit_chain()) == 1


def test_verify_audit_log_command_fails_on_tampering(worker, target):
    services.audit(user=worker, action="reveal_id", target=target)
    call_command("verify_audit_log")
    AuditEntry.objects.update(username="someone-else")
    with pytest.raises(SystemExit):
        call_command("verify_audit_log")
