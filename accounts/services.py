"""Cross-cutting services the other apps use: notifications, approvals, audit entries."""

import hashlib
import hmac
import logging
import re
from bisect import bisect_right
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .fields import blind_index
from .models import Approval, AuditCheckpoint, AuditEntry, Notification, User
from .policy import may_decide, roles_with, stand_in_needed

# ---------------------------------------------------------------- notifications

def notify(*, recipients: Iterable[User], title: str, body: str = "", url: str = "", level: str = "info",
           key: str | None = None, email: bool = False) -> list[Notification]:
    """Tell each recipient once. With a `key`, a second call for the same recipient does nothing,
    so periodic reminders can run any number of times and still notify exactly once."""
    created = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(
                    recipient=user, title=title, body=body, url=url, level=level, key=key))
        except IntegrityError:  # a concurrent run got there first
            continue
        if email and user.email:
            transaction.on_commit(lambda u=user: send_mail(title, f"{body}\n{url}", settings.DEFAULT_FROM_EMAIL,
                                                            [u.email], fail_silently=True))
    return created


def users_who_can(capability, *, within_code: str | None = None) -> models.QuerySet:
    """Active users whose role carries the capability (accounts.policy), optionally covering a place."""
    return users_with_role(*roles_with(capability), within_code=within_code)


def users_with_role(*roles: str, within_code: str | None = None) -> models.QuerySet:
    """Active users of these roles; with `within_code`, only those whose area scope covers it
    (a county-level user of 440802 covers 440802001001)."""
    users = User.objects.filter(role__in=roles, is_active=True)
    if within_code:
        prefixes = {within_code[:n] for n in (6, 9, 12) if len(within_code) >= n}
        users = users.filter(areas__code__in=prefixes).distinct()
    return users


# ---------------------------------------------------------------- audit

def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client and cannot be trusted.
    return request.META.get("REMOTE_ADDR") if request is not None else None


AUDIT_CHAIN_LOCK = 0x746F6E67  # "tong": the advisory lock that serialises writers of the chain

audit_log = logging.getLogger("tonghu.audit")

# During a request (AuditMiddleware) entries are queued here and written once the response is
# ready, in one short transaction: the chain's lock is never held while a page or a PDF renders.
_pending: ContextVar[list | None] = ContextVar("audit_pending", default=None)

_SEARCH_KEYS = {"q", "term", "search"}
# an ID number, a mobile or a landline number, not inside a longer run of digits (place codes)
_IDENTIFYING = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def _scrub(value, key: str = ""):
    """Search terms and anything that looks like an ID number or phone become HMACs (the blind
    index key): equal terms still match, the term itself is not stored."""
    if isinstance(value, dict):
        return {k: _scrub(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v, key) for v in value]
    if isinstance(value, str) and value and (key in _SEARCH_KEYS or _IDENTIFYING.search(value)):
        return "hmac:" + blind_index(value)
    return value


def audit(*, user: User | None, action: str, target=None, request=None, **detail) -> AuditEntry:
    """Append one entry to the hash-chained audit log: who, when, what kind of thing (model label
    and id, never its text), details with search terms hashed. Inside a request the entry is
    written at the end of it (AuditMiddleware); elsewhere (commands, tasks) at once."""
    entry = AuditEntry(
        user=user if user is not None and user.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=_scrub(detail),
        ip_address=client_ip(request),
        created_at=timezone.now(),
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _write_entries([entry])
    return entry


@transaction.atomic
def _write_entries(entries: list[AuditEntry]) -> None:
    _lock_chain()
    last = AuditEntry.objects.order_by("-id").only("digest").first()
    previous = last.digest if last else ""
    for entry in entries:
        entry.previous_digest = previous
        entry.digest = previous = entry.compute_digest()
        entry.save()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        # Row locks cannot stop two writers reading the same last entry and forking the chain;
        # a transaction-scoped advisory lock can. (SQLite already serialises writers.)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


@contextmanager
def deferred_audit():
    """Queue the audit entries made inside; write them, in one short transaction, after the block
    when it ends without an exception (AuditMiddleware wraps every request in this). The block
    receives the queue and may empty it (a request that failed with a server error)."""
    queued: list = []
    token = _pending.set(queued)
    try:
        yield queued
    finally:
        _pending.reset(token)
    if queued:
        _write_entries(queued)


# ---------------------------------------------------------------- audit checkpoints

def _checkpoint_key() -> bytes:
    key = settings.AUDIT_CHECKPOINT_KEY or "audit-checkpoint:" + settings.SECRET_KEY
    return key.encode()


def sign_checkpoint(checkpoint: AuditCheckpoint) -> str:
    return hmac.new(_checkpoint_key(), checkpoint.payload().encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def write_audit_checkpoint() -> AuditCheckpoint:
    """Sign the chain's head (last id, digest, count) into a checkpoint row and the log output."""
    _lock_chain()
    last = AuditEntry.objects.order_by("-id").only("id", "digest").first()
    checkpoint = AuditCheckpoint(created_at=timezone.now(), last_entry_id=last.pk if last else 0,
                                 head_digest=last.digest if last else "",
                                 count=AuditEntry.objects.filter(id__lte=last.pk).count() if last else 0)
    checkpoint.signature = sign_checkpoint(checkpoint)
    checkpoint.save()
    audit_log.info("audit checkpoint last_id=%s count=%s head=%s signature=%s at=%s", checkpoint.last_entry_id,
                   checkpoint.count, checkpoint.head_digest, checkpoint.signature, checkpoint.created_at.isoformat())
    return checkpoint


def verify_audit_chain() -> list[str]:
    """Problems found in the chain and against its signed checkpoints; empty when intact."""
    problems, previous = [], ""
    digests, count = {}, 0
    for entry in AuditEntry.objects.order_by("id").only("id", "digest", "previous_digest", "created_at", "username",
                                                        "action", "target_type", "target_id", "detail",
                                                        "ip_address").iterator():
        if entry.previous_digest != previous:
            problems.append(_("Entry %(id)s does not follow the entry before it.") % {"id": entry.pk})
        if entry.compute_digest() != entry.digest:
            problems.append(_("Entry %(id)s was altered after it was written.") % {"id": entry.pk})
        previous = entry.digest
        digests[entry.pk] = entry.digest
        count += 1
    ids = sorted(digests)
    for checkpoint in AuditCheckpoint.objects.order_by("id"):
        if not hmac.compare_digest(checkpoint.signature, sign_checkpoint(checkpoint)):
            problems.append(_("Checkpoint %(id)s does not carry this installation's signature: it was altered or "
                              "forged.") % {"id": checkpoint.pk})
            continue
        if checkpoint.last_entry_id == 0:
            continue
        present = bisect_right(ids, checkpoint.last_entry_id)
        if checkpoint.last_entry_id not in digests:
            problems.append(_("Entry %(id)s, the last one at checkpoint %(cp)s, is missing: the log was truncated.")
                            % {"id": checkpoint.last_entry_id, "cp": checkpoint.pk})
        elif digests[checkpoint.last_entry_id] != checkpoint.head_digest:
            problems.append(_("Entry %(id)s does not match signed checkpoint %(cp)s: the chain was rewritten.")
                            % {"id": checkpoint.last_entry_id, "cp": checkpoint.pk})
        if present != checkpoint.count:
            problems.append(_("Checkpoint %(cp)s counted %(expected)s entries up to entry %(id)s; %(found)s remain.")
                            % {"cp": checkpoint.pk, "expected": checkpoint.count, "id": checkpoint.last_entry_id,
                               "found": present})
    return problems


# ---------------------------------------------------------------- approvals

def _target_filter(obj) -> dict:
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": str(obj.pk)}


def pending_approval(obj, kind: str) -> Approval | None:
    return Approval.objects.filter(**_target_filter(obj), kind=kind, status=Approval.Status.PENDING).first()


def latest_approval(obj, kind: str) -> Approval | None:
    return Approval.objects.filter(**_target_filter(obj), kind=kind).order_by("-requested_at", "-id").first()


def is_approved(obj, kind: str, fingerprint: str = "") -> bool:
    """Approved, and (when a fingerprint is given) approved for exactly this content."""
    latest = latest_approval(obj, kind)
    return bool(latest and latest.status == Approval.Status.APPROVED
                and (not fingerprint or latest.fingerprint == fingerprint))


def approval_history(obj, kind: str | None = None) -> models.QuerySet:
    qs = Approval.objects.filter(**_target_filter(obj)).select_related("requested_by", "decided_by")
    return qs.filter(kind=kind) if kind else qs


@transaction.atomic
def request_approval(*, obj, kind: str, by: User, approver_role: str, note: str = "", fingerprint: str = "",
                     title: str = "", within_code: str | None = None) -> Approval:
    """Ask the approvers (everyone with `approver_role`, optionally only those covering a place)."""
    if pending_approval(obj, kind):
        raise ValidationError(_("This is already waiting for approval."))
    approval = Approval.objects.create(**_target_filter(obj), kind=kind, approver_role=approver_role,
                                       requested_by=by, request_note=note, fingerprint=fingerprint)
    approvers = [u for u in users_with_role(approver_role, within_code=within_code) if u.pk != by.pk]
    if not approvers and (stand_in := stand_in_needed(approver_role, by)):
        approvers = list(users_with_role(stand_in, within_code=within_code))
    notify(recipients=approvers, title=title or _("Waiting for your approval: %(obj)s") % {"obj": obj},
           body=note, url=obj.get_absolute_url(), key=f"approval:{approval.pk}:requested")
    return approval


# What else happens when a request of a kind is decided, beyond the object's own state change
# (`target.approval_decided`): writes across models that the owning app registers in its hooks.py.
_decision_handlers: dict[str, object] = {}


def on_decision(kind: str, handler) -> None:
    """Register `handler(approval, target)` to run, in the deciding transaction, after a request of
    this kind is approved or returned."""
    _decision_handlers[kind] = handler


def _decide(approval: Approval, *, by: User, status: str, comment: str) -> Approval:
    if approval.status != Approval.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approval.requested_by_id == by.pk:
        raise PermissionDenied(_("Nobody may approve their own request."))
    if not may_decide(by, approval.approver_role, approval.requested_by):
        raise PermissionDenied(_("Only a %(role)s may decide this request.") % {
            "role": approval.get_approver_role_display()})
    approval.status, approval.decided_by, approval.decided_at = status, by, timezone.now()
    approval.comment = comment
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    target = approval.target
    if hasattr(target, "approval_decided"):
        target.approval_decided(approval)
    if (handler := _decision_handlers.get(approval.kind)) is not None:
        handler(approval, target)
    verb = _("approved") if status == Approval.Status.APPROVED else _("returned for revision")
    notify(recipients=[approval.requested_by], title=_("%(obj)s was %(verb)s") % {"obj": target, "verb": verb},
           body=comment, url=approval.get_absolute_url(), key=f"approval:{approval.pk}:decided",
           level="success" if status == Approval.Status.APPROVED else "warning")
    return approval


@transaction.atomic
def approve(*, approval: Approval, by: User, comment: str = "") -> Approval:
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    return _decide(approval, by=by, status=Approval.Status.APPROVED, comment=comment)


@transaction.atomic
def return_for_revision(*, approval: Approval, by: User, comment: str) -> Approval:
    if not comment.strip():
        raise ValidationError(_("Say what needs to change when returning a request."))
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    return _decide(approval, by=by, status=Approval.Status.RETURNED, comment=comment)
