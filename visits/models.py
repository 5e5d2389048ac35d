import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedTextField
from accounts.policy import Can
from accounts.uploads import (
    ProtectedFileField,
    ProtectedStorage,  # noqa: F401  the initial migration names it here
)
from children.models import Child, RiskLevel


class DueVisit(models.Model):
    """The next visit a registered child is due, one row per kind; recomputed by
    `services.refresh_due_visits` whenever a visit is saved or the child's risk level changes."""

    class Kind(models.TextChoices):
        HOME = "home", _("Home visit")
        CALL = "call", _("Phone or video contact")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="due_visits")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.HOME)
    due_on = models.DateField(_("due date"), db_index=True)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=12, choices=RiskLevel.choices, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("due visit")
        verbose_name_plural = _("due visits")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind"], name="visits_duevisit_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.child} · {self.get_kind_display()} · {self.due_on}"

    def get_absolute_url(self):
        return reverse("visits:visit_create", args=[self.child_id]) + f"?kind={self.kind}"

    def days_overdue(self, today) -> int:
        return max((today - self.due_on).days, 0)


class DueVisitMonth(models.Model):
    """What was due in a calendar month, kept after `DueVisit` moves on (docs/reports.md, "due versus done").

    The nightly run (`services.snapshot_due_months`) records each registered child's due visit whose date falls
    in or before the current month (a visit still owed from earlier is due this month too), with the risk level
    of that day, and marks it done by the first visit of the kind made in that month. One row per child, kind
    and month; a rerun changes nothing."""

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="due_months")
    kind = models.CharField(_("kind"), max_length=8, choices=DueVisit.Kind.choices, default=DueVisit.Kind.HOME)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    due_on = models.DateField(_("due date"))
    risk_level = models.CharField(_("risk level"), max_length=12, choices=RiskLevel.choices, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("due visit of a month")
        verbose_name_plural = _("due visits by month")
        ordering = ["month", "child_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind", "month"], name="visits_duevisitmonth_one_per_month"),
        ]

    def __str__(self):
        return f"{self.child} · {self.get_kind_display()} · {self.month:%Y-%m}"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VisitQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


class SafetyHazard(models.TextChoices):
    DROWNING = "drowning", _("Drowning (ponds, rivers, the sea)")
    ELECTRICITY_FIRE = "electricity_fire", _("Electricity and fire")
    UNSAFE_HOUSE = "unsafe_house", _("Unsafe house")
    UNATTENDED = "unattended", _("Living alone or unattended")
    TRAFFIC = "traffic", _("Traffic")
    BULLYING = "bullying", _("Bullying")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Signs of domestic violence")
    POISONING = "poisoning", _("Pesticides, medicines, poisoning")
    OTHER = "other", _("Other hazard")


class ParentsContact(models.TextChoices):
    WEEKLY = "weekly", _("Parents contact the child at least weekly")
    LESS_THAN_WEEKLY = "less_than_weekly", _("Parents contact the child less than weekly")
    RARELY = "rarely", _("No contact for over a month")
    LOST = "lost", _("Parents cannot be reached")
    AT_HOME = "at_home", _("Parents live at home")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Visit(models.Model):
    """One visit record (探访记录): home, phone, video, school or village visit."""

    class Type(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone visit")
        VIDEO = "video", _("Video visit")
        SCHOOL = "school", _("School visit")
        VILLAGE = "village", _("Village follow-up visit")

    # The visit types that count for each kind of due visit.
    COUNTS_FOR = {
        DueVisit.Kind.HOME: (Type.HOME,),
        DueVisit.Kind.CALL: (Type.HOME, Type.PHONE, Type.VIDEO),
    }

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="visits")
    # A family visit (家庭探访): one visit to a household recorded for several of its children at once is one
    # row per child sharing this key; the contract's family target counts the key once (docs/households.md).
    household = models.ForeignKey("children.Household", verbose_name=_("family"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="visits", editable=False)
    household_visit = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    type = models.CharField(_("visit type"), max_length=8, choices=Type.choices, default=Type.HOME)
    visited_on = models.DateField(_("visit date"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    child_seen = models.BooleanField(_("child seen"))
    others_met = EncryptedTextField(_("others met"), blank=True,
                                    help_text=_("Guardian, caregiver, teacher, child director…"))
    family_composition = EncryptedTextField(_("family composition"), blank=True)
    guardianship_care = EncryptedTextField(_("guardianship and care"), blank=True)
    schooling = EncryptedTextField(_("schooling"), blank=True)
    health = EncryptedTextField(_("physical and mental health"), blank=True)
    family_economy = EncryptedTextField(_("family economy"), blank=True)
    living_safety = EncryptedTextField(_("living safety"), blank=True)
    hazards = models.JSONField(_("safety hazards found"), default=list, blank=True)
    hazards_note = EncryptedTextField(_("about the hazards"), blank=True)
    parents_contact = models.CharField(_("parents' contact with the child"), max_length=20,
                                       choices=ParentsContact.choices, blank=True)
    parents_contact_note = EncryptedTextField(_("about the parents' contact"), blank=True)
    findings = EncryptedTextField(_("findings"), blank=True)
    actions_agreed = EncryptedTextField(_("actions agreed"), blank=True)
    next_steps = EncryptedTextField(_("next steps"), blank=True)
    # One check-in point, taken only when the worker presses the button (R13); never tracked.
    checkin_latitude = models.DecimalField(_("check-in latitude"), max_digits=9, decimal_places=6, null=True,
                                           blank=True)
    checkin_longitude = models.DecimalField(_("check-in longitude"), max_digits=9, decimal_places=6, null=True,
                                            blank=True)
    checkin_accuracy_m = models.PositiveIntegerField(_("check-in accuracy (metres)"), null=True, blank=True)
    checkin_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    risk_level = models.CharField(_("risk level at the visit"), max_length=12, choices=RiskLevel.choices,
                                  blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The form's one-time token: a second post of the same form finds this visit (accounts.concurrency).
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="visits")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["child", "type", "visited_on"], name="visits_visit_child_type_date")]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                                   name="visits_visit_duration_range"),
            models.CheckConstraint(
                condition=(Q(checkin_latitude__isnull=True) & Q(checkin_longitude__isnull=True))
                | (Q(checkin_latitude__gte=-90) & Q(checkin_latitude__lte=90)
                   & Q(checkin_longitude__gte=-180) & Q(checkin_longitude__lte=180)),
                name="visits_visit_checkin_complete"),
        ]

    def __str__(self):
        return _("%(type)s of %(child)s on %(date)s") % {
            "type": self.get_type_display(), "child": self.child, "date": self.visited_on}

    def get_absolute_url(self):
        return reverse("visits:visit_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        """Called on a visit fetched through visible_to(user): its author or a reviewer."""
        return self.child.can_change(user) and (user.pk == self.recorded_by_id or user.can(Can.MANAGE_PROJECT))

    def family_visit_siblings(self):
        """The other visits recorded with this one in the same family visit."""
        if self.household_visit is None:
            return Visit.objects.none()
        return Visit.objects.filter(household_visit=self.household_visit).exclude(pk=self.pk).select_related("child")

    def hazard_labels(self) -> list[str]:
        labels = dict(SafetyHazard.choices)
        return [labels.get(h, h) for h in self.hazards]

    @property
    def has_checkin(self) -> bool:
        return self.checkin_latitude is not None


def photo_path(instance, filename) -> str:
    # A random name: the phone's file name can carry a person's name or a place.
    return f"visits/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PhotoQuerySet":
        return self.filter(visit__child__in=Child.objects.visible_to(user))


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = ProtectedFileField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["id"]

    def __str__(self):
        return _("Photo %(n)s of %(visit)s") % {"n": self.pk, "visit": self.visit}

    def get_absolute_url(self):
        return reverse("visits:photo", args=[self.pk])


class PendingVisitPhoto(models.Model):
    """A photo chosen on a visit form that was sent back (a validation error): stored at once, protected, owned
    by the person who chose it, and attached to the visit when the form is saved (visits/photos.py), so a
    photo is never silently lost. Only its owner can use it; it has no URL of its own."""

    image = ProtectedFileField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    attached_to = models.OneToOneField(VisitPhoto, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")

    class Meta:
        verbose_name = _("photo waiting for its visit")
        verbose_name_plural = _("photos waiting for their visit")
        ordering = ["id"]

    def __str__(self):
        return f"#{self.pk}"


class FamilyCallQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FamilyCallQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


class FamilyCall(models.Model):
    """亲情连线: a phone or video call between a child and parents away that a worker arranged."""

    class Mode(models.TextChoices):
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="family_calls")
    held_on = models.DateField(_("date"))
    mode = models.CharField(_("call type"), max_length=8, choices=Mode.choices, default=Mode.VIDEO)
    participants = models.CharField(_("participants"), max_length=200,
                                    help_text=_("Who took part, e.g. the child, the mother (working in Guangzhou)."))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    note = EncryptedTextField(_("note"), blank=True)
    visit = models.ForeignKey(Visit, verbose_name=_("during visit"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="family_calls")
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("arranged by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = FamilyCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("parent–child call")
        verbose_name_plural = _("parent–child calls")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                                   name="visits_familycall_duration_range"),
        ]

    def __str__(self):
        return _("Parent–child call of %(child)s on %(date)s") % {"child": self.child, "date": self.held_on}

    def get_absolute_url(self):
        return reverse("visits:call_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        return self.child.can_change(user) and (user.pk == self.arranged_by_id or user.can(Can.MANAGE_PROJECT))


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FollowUpQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_whole_project:
            return self
        if user.can(Can.HAVE_CASELOAD):
            return self.filter(user.area_q("division__code") | Q(recorded_by=user))
        if user.can(Can.SEE_AREA):
            return self.filter(user.area_q("division__code"))
        return self.none()


class FollowUpContact(models.Model):
    """随访: keeping in touch with a town or village about its children, and feeding back to civil affairs."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        MEETING = "meeting", _("Meeting")
        MESSAGE = "message", _("Message (WeChat, SMS)")

    division = models.ForeignKey("divisions.Division", verbose_name=_("town or village"), on_delete=models.PROTECT,
                                 related_name="+")
    contacted_on = models.DateField(_("date"))
    method = models.CharField(_("contact method"), max_length=10, choices=Method.choices, default=Method.PHONE)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_role = models.CharField(_("contact's position"), max_length=50,
                                    help_text=_("e.g. child director, child supervisor, village committee"))
    learned = EncryptedTextField(_("what was learned"))
    children = models.ManyToManyField(Child, verbose_name=_("children discussed"), blank=True,
                                      related_name="follow_up_contacts")
    fed_back = models.BooleanField(_("fed back to civil affairs"), default=False)
    fed_back_to = models.CharField(_("fed back to"), max_length=100, blank=True)
    fed_back_on = models.DateField(_("fed back on"), null=True, blank=True)
    feedback_note = EncryptedTextField(_("what was fed back"), blank=True)
    # The feedback to the county bureau is a notice with a deadline (visits/followups.py, docs/visits.md).
    feedback_due_on = models.DateField(_("feedback due by"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")
        ordering = ["-contacted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fed_back=False) | (Q(fed_back_on__isnull=False) & ~Q(fed_back_to="")),
                                   name="visits_followupcontact_feedback_complete"),
            models.CheckConstraint(condition=Q(received_at__isnull=True) | Q(fed_back=True, received_by__isnull=False),
                                   name="visits_followupcontact_received_after_feedback"),
        ]

    def __str__(self):
        return _("Follow-up with %(place)s on %(date)s") % {"place": self.division, "date": self.contacted_on}

    def get_absolute_url(self):
        return reverse("visits:followup_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        return user.is_active and (user.pk == self.recorded_by_id or user.can(Can.MANAGE_PROJECT))

    def feedback_state(self, today=None) -> str:
        """"received", "fed_back" (waiting for the county bureau), "overdue" or "pending" (not yet fed back)."""
        if self.received_at:
            return "received"
        if self.fed_back:
            return "fed_back"
        if self.feedback_due_on and self.feedback_due_on < (today or timezone.localdate()):
            return "overdue"
        return "pending"
