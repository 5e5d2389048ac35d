import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .policy import Can, Capabilities, Role, allows
from .policy import is_read_only as _is_read_only


class User(AbstractUser):
    full_name = models.CharField(_("name"), max_length=64, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SOCIAL_WORKER)
    areas = models.ManyToManyField(
        "divisions.Division",
        verbose_name=_("area scope"),
        blank=True,
        related_name="+",
        help_text=_("Counties or towns this person works in."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("accounts:team")

    def can(self, capability: Can) -> bool:
        """What this user's role allows (accounts.policy is the table)."""
        return allows(self, capability)

    @property
    def caps(self) -> Capabilities:
        return Capabilities(self)

    @property
    def sees_whole_project(self) -> bool:
        return allows(self, Can.SEE_PROJECT)

    @property
    def is_read_only(self) -> bool:
        return _is_read_only(self)

    def area_codes(self) -> list[str]:
        """Codes of the counties/towns in this user's scope (cached per instance)."""
        if not hasattr(self, "_area_codes"):
            self._area_codes = sorted(self.areas.values_list("code", flat=True))
        return self._area_codes

    def area_q(self, field: str) -> Q:
        """A Q matching a division-code field inside this user's area scope; empty scope → nothing."""
        q = Q(pk__in=[])
        for code in self.area_codes():
            q |= Q(**{f"{field}__startswith": code})
        return q


class Qualified:
    """Ranks of education and certificate, shared by the current profile and the dated team history."""

    CERT_RANK = {"none": 0, "assistant": 1, "intermediate": 2, "senior": 3}
    EDU_RANK = {"secondary": 0, "junior_college": 1, "bachelor": 2, "master": 3, "doctor": 4}

    def certificate_at_least(self, level: str) -> bool:
        return self.CERT_RANK[self.certificate] >= self.CERT_RANK[level]

    def education_at_least(self, level: str) -> bool:
        return self.EDU_RANK[self.education] >= self.EDU_RANK[level]


class StaffProfile(Qualified, models.Model):
    """A team member's qualifications, checked against the contract's staffing rules."""

    class Education(models.TextChoices):
        SECONDARY = "secondary", _("Secondary school")
        JUNIOR_COLLEGE = "junior_college", _("Junior college")
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTOR = "doctor", _("Doctorate")

    class Certificate(models.TextChoices):
        NONE = "none", _("None")
        ASSISTANT = "assistant", _("Assistant social worker")
        INTERMEDIATE = "intermediate", _("Social worker")
        SENIOR = "senior", _("Senior social worker")

    class Position(models.TextChoices):
        LEAD = "lead", _("Project lead")
        PROJECT_WORKER = "project_worker", _("Project social worker")
        SUPERVISOR = "supervisor", _("Supervisor")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    major = models.CharField(_("major"), max_length=64, blank=True)
    major_related = models.BooleanField(
        _("related major"), default=False,
        help_text=_("Sociology, social work, community management, psychology or similar."),
    )
    certificate = models.CharField(_("certificate level"), max_length=16, choices=Certificate.choices,
                                   default=Certificate.NONE)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    child_service_years = models.DecimalField(_("years of child and youth service"), max_digits=4,
                                              decimal_places=1, default=0)
    difficulty_service_years = models.DecimalField(_("years serving children in difficulty"), max_digits=4,
                                                   decimal_places=1, default=0)
    position = models.CharField(_("position"), max_length=16, choices=Position.choices)
    full_time = models.BooleanField(_("full-time"), default=True)

    class Meta:
        verbose_name = _("staff qualification")
        verbose_name_plural = _("staff qualifications")
        constraints = [
            models.CheckConstraint(condition=Q(child_service_years__gte=0) & Q(difficulty_service_years__gte=0),
                                   name="accounts_staffprofile_years_not_negative"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_position_display()}"

    def get_absolute_url(self):
        return reverse("accounts:team")


class StaffRecord(Qualified, models.Model):
    """One dated change in the team (docs/accounts.md, "Team history"): from `effective` on, this person
    was on the team in this position with these qualifications, until their next record. A "left"
    record ends the membership. The staffing rules of a past period are checked against these."""

    class Event(models.TextChoices):
        JOINED = "joined", _("Joined the team")
        CHANGED = "changed", _("Position or qualification changed")
        LEFT = "left", _("Left the team")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_records",
                             verbose_name=_("team member"))
    event = models.CharField(_("change"), max_length=8, choices=Event.choices)
    effective = models.DateField(_("effective from"))
    position = models.CharField(_("position"), max_length=16, choices=StaffProfile.Position.choices, blank=True)
    full_time = models.BooleanField(_("full-time"), default=True)
    education = models.CharField(_("education"), max_length=16, choices=StaffProfile.Education.choices, blank=True)
    major_related = models.BooleanField(_("related major"), default=False)
    certificate = models.CharField(_("certificate level"), max_length=16, choices=StaffProfile.Certificate.choices,
                                   default=StaffProfile.Certificate.NONE)
    child_service_years = models.DecimalField(
        _("years of child and youth service"), max_digits=4, decimal_places=1, default=0,
        help_text=_("As on the effective date; time on the project after it is added when a later date is checked."))
    difficulty_service_years = models.DecimalField(
        _("years serving children in difficulty"), max_digits=4, decimal_places=1, default=0,
        help_text=_("As on the effective date; time on the project after it is added when a later date is checked."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("team change")
        verbose_name_plural = _("team history")
        ordering = ["-effective", "user__username", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "effective"], name="accounts_staffrecord_one_per_day"),
            models.CheckConstraint(condition=Q(child_service_years__gte=0) & Q(difficulty_service_years__gte=0),
                                   name="accounts_staffrecord_years_not_negative"),
            models.CheckConstraint(condition=Q(event="left") | (~Q(position="") & ~Q(education="")),
                                   name="accounts_staffrecord_member_has_position"),
        ]

    def __str__(self):
        return f"{self.user} · {self.effective} · {self.get_event_display()}"

    def get_absolute_url(self):
        return reverse("accounts:team")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.event != self.Event.LEFT and not (self.position and self.education):
            raise ValidationError(_("A team member's record needs a position and an education."))
        if not self.user_id or not self.effective:
            return
        before = (StaffRecord.objects.filter(user_id=self.user_id, effective__lt=self.effective)
                  .exclude(pk=self.pk).order_by("-effective").first())
        on_team = before is not None and before.event != self.Event.LEFT
        if self.event == self.Event.JOINED and on_team:
            raise ValidationError(_("This person is already on the team on that date; record a change instead."))
        if self.event != self.Event.JOINED and not on_team:
            raise ValidationError(_("This person is not on the team on that date; record that they joined first."))


class Notification(models.Model):
    """An in-app message (the bell). `key` makes a reminder idempotent: one per recipient and key."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=10, default="info")
    key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="accounts_notification_unique_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accounts:notification_open", args=[self.pk])


class Approval(models.Model):
    """One request for approval of any object: requested → approved / returned, with comments.

    Each request is a new row, so the rows of an object are its full approval history.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for revision")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=32)
    approver_role = models.CharField(_("approved by role"), max_length=16, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    request_note = models.TextField(_("note"), blank=True)
    fingerprint = models.CharField(max_length=64, blank=True,
                                   help_text="Digest of the content approved; a later edit changes it.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "kind"], condition=Q(status="pending"),
                                    name="accounts_approval_one_pending"),
            models.CheckConstraint(condition=Q(status="pending") | Q(decided_at__isnull=False),
                                   name="accounts_approval_decided_has_time"),
        ]

    def __str__(self):
        # The kind's label as the requesting app registered it (服务计划, not case_plan): the admin's
        # inline rows and titles show this.
        from .admin import approval_kind_label

        return f"{approval_kind_label(self.kind)} #{self.object_id} · {self.get_status_display()}"

    def get_absolute_url(self):
        target = self.target
        return target.get_absolute_url() if target is not None else reverse("home")


class AuditEntry(models.Model):
    """Append-only, hash-chained log of sensitive views, exports and changes (R4, R6).

    Each entry's digest covers its content and the previous digest, so editing or deleting an
    entry breaks the chain, which `manage.py verify_audit_log` reports; signed checkpoints
    (AuditCheckpoint) anchor the head so that truncation and a recomputed chain are reported too.
    The target is an object reference (model label + id), never its text, and search terms are
    stored as HMACs: the log holds no child data (docs/privacy.md, "Audit log").
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]

    def __str__(self):
        # Local time, as the list shows it (the title and breadcrumb of the admin page are this).
        return (f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.username} {self.action} "
                f"{self.target_type}#{self.target_id}")

    def get_absolute_url(self):
        return reverse("admin:accounts_auditentry_change", args=[self.pk])

    def compute_digest(self) -> str:
        return audit_digest(self.created_at, self.username, self.action, self.target_type, self.target_id,
                            self.detail, self.ip_address, self.previous_digest)


def audit_digest(created_at, username, action, target_type, target_id, detail, ip_address, previous_digest) -> str:
    payload = json.dumps([created_at.isoformat(), username, action, target_type, target_id, detail, ip_address,
                          previous_digest], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class AuditCheckpoint(models.Model):
    """The chain's head at a moment (last entry, its digest, the number of entries), signed with
    an HMAC whose key is not in the database (settings.AUDIT_CHECKPOINT_KEY, else derived from
    SECRET_KEY). Whoever can write the database can delete entries and recompute every digest,
    but cannot sign a checkpoint that agrees; each checkpoint is also written to the log output."""

    created_at = models.DateTimeField(default=timezone.now)
    last_entry_id = models.BigIntegerField()
    head_digest = models.CharField(max_length=64, blank=True)
    count = models.BigIntegerField()
    signature = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} #{self.last_entry_id} ({self.count})"

    def payload(self) -> str:
        return f"{self.created_at.isoformat()}|{self.last_entry_id}|{self.head_digest}|{self.count}"


class KeyRotationProgress(models.Model):
    """How far `rotate_blind_index` got for one table with one key (the key's fingerprint, never the key): a run
    that stopped carries on after `last_pk`; a new key starts every table again (docs/deployment.md)."""

    table = models.CharField(max_length=100, unique=True)
    key_fingerprint = models.CharField(max_length=64)
    last_pk = models.BigIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.table}: {self.last_pk}{' ✓' if self.done_at else ''}"
