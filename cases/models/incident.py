# Discovery and mandatory reports (发现报告 / 强制报告): docs/domain.md §5, docs/incidents.md.
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fields import EncryptedCharField, EncryptedTextField
from accounts.policy import Can
from children.models import Child
from divisions.models import code_prefix

__all__ = [
    "Incident", "IncidentMeasure", "IncidentNotice", "IncidentQuerySet", "Need", "Recipient", "Situation",
    "IncidentPolicy", "ROUTING", "route",
]


class Situation(models.TextChoices):
    # The contract's four (需求书 三.3): report to 民政 at once; violence and injury go to the police first.
    ALONE = "alone", _("Living alone without guardianship")
    GUARDIAN = "guardian", _("Guardian unable or failing to care")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Suspected domestic violence")
    INJURY = "injury", _("Suspected accidental or unlawful injury")
    # The nine situations of the 2020 mandatory reporting opinion (强制报告): police immediately.
    M1_PRIVATE_PARTS = "m1_private_parts", _("① Abnormal injury to genitals or private parts")
    M2_GIRL_UNDER_14 = "m2_girl_under_14", _("② Girl under 14 sexually assaulted, pregnant or aborted")
    M3_GIRL_14_PLUS = "m3_girl_14_plus", _("③ Girl 14 or older pregnant or aborted after suspected sexual assault")
    M4_ABUSE = "m4_abuse", _("④ Many injuries, severe malnutrition or unconsciousness; violence, bullying, abuse, "
                             "beating or drugging")
    M5_DISABLED_OR_DEAD = "m5_disabled_or_dead", _("⑤ Disabled or dead from suicide, self-harm, work injury, "
                                                   "poisoning, drugging or beating")
    M6_ABANDONED = "m6_abandoned", _("⑥ Abandoned or left unattended for a long time")
    M7_MISSING = "m7_missing", _("⑦ Of unknown origin, missing, trafficked or bought")
    M8_BEGGING = "m8_begging", _("⑧ Organised begging")
    M9_OTHER = "m9_other", _("⑨ Other serious harm, or in imminent danger of unlawful harm")


CONTRACT_SITUATIONS = [Situation.ALONE, Situation.GUARDIAN, Situation.DOMESTIC_VIOLENCE, Situation.INJURY]
MANDATORY_SITUATIONS = [s for s in Situation if s not in CONTRACT_SITUATIONS]


class Recipient(models.TextChoices):
    # Listed in the order a worker should call them: police first.
    POLICE = "police", _("Police")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs bureau of the child's county")
    EDUCATION = "education", _("Education bureau or school")
    TOWNSHIP = "township", _("Town government or street office")
    VILLAGE = "village", _("Village or residents' committee")


class Need(models.TextChoices):
    REQUIRED = "required", _("Must be told")
    SUGGESTED = "suggested", _("Tell where it applies")
    OPTIONAL = "optional", _("Optional")


R, S = Need.REQUIRED, Need.SUGGESTED
# Which recipients each situation sends the report to (docs/incidents.md explains each row).
# Recipients not named for a situation are optional. Several situations: the strongest need wins.
ROUTING: dict[str, dict[str, str]] = {
    Situation.ALONE: {Recipient.CIVIL_AFFAIRS: R, Recipient.VILLAGE: R, Recipient.TOWNSHIP: S, Recipient.POLICE: S},
    Situation.GUARDIAN: {Recipient.CIVIL_AFFAIRS: R, Recipient.VILLAGE: R, Recipient.TOWNSHIP: S,
                         Recipient.POLICE: S},
    Situation.DOMESTIC_VIOLENCE: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.VILLAGE: S,
                                  Recipient.EDUCATION: S},
    Situation.INJURY: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S, Recipient.VILLAGE: S},
    Situation.M1_PRIVATE_PARTS: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S},
    Situation.M2_GIRL_UNDER_14: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S},
    Situation.M3_GIRL_14_PLUS: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S},
    Situation.M4_ABUSE: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S, Recipient.VILLAGE: S},
    Situation.M5_DISABLED_OR_DEAD: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S},
    Situation.M6_ABANDONED: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.VILLAGE: R,
                             Recipient.TOWNSHIP: S},
    Situation.M7_MISSING: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.VILLAGE: S,
                           Recipient.TOWNSHIP: S},
    Situation.M8_BEGGING: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.TOWNSHIP: S},
    Situation.M9_OTHER: {Recipient.POLICE: R, Recipient.CIVIL_AFFAIRS: R, Recipient.EDUCATION: S,
                         Recipient.TOWNSHIP: S, Recipient.VILLAGE: S},
}
del R, S

_NEED_RANK = {Need.OPTIONAL: 0, Need.SUGGESTED: 1, Need.REQUIRED: 2}


def route(situations) -> dict[str, str]:
    """Every recipient with its need for these situations, in calling order (police first)."""
    needs = {str(recipient): str(Need.OPTIONAL) for recipient in Recipient}
    for situation in situations:
        for recipient, need in ROUTING[situation].items():
            if _NEED_RANK[need] > _NEED_RANK[needs[recipient]]:
                needs[recipient] = str(need)
    return needs


class IncidentPolicy(models.Model):
    """How long recipients may stay untold and when police feedback is due; the project lead edits it.

    The law says "immediately" for the police and the contract "at once" for 民政: the alert times are
    our proposal [P]; the 3 days for police feedback come from the mandatory-reporting opinion [S].
    """

    police_alert_minutes = models.PositiveSmallIntegerField(
        _("alert when the police are not told within (minutes)"), default=60, validators=[MinValueValidator(1)])
    other_alert_hours = models.PositiveSmallIntegerField(
        _("alert when another required recipient is not told within (hours)"), default=24,
        validators=[MinValueValidator(1)])
    police_feedback_days = models.PositiveSmallIntegerField(_("police feedback due within (days)"), default=3,
                                                            validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discovery report deadlines")
        verbose_name_plural = _("discovery report deadlines")
        constraints = [
            models.CheckConstraint(condition=Q(police_alert_minutes__gte=1) & Q(other_alert_hours__gte=1)
                                   & Q(police_feedback_days__gte=1), name="cases_incidentpolicy_deadlines_positive"),
        ]

    def __str__(self):
        return str(_("discovery report deadlines"))

    def get_absolute_url(self):
        return reverse("admin:cases_incidentpolicy_change", args=[self.pk])

    @classmethod
    def current(cls) -> "IncidentPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    def alert_after(self, recipient: str) -> datetime.timedelta:
        if recipient == Recipient.POLICE:
            return datetime.timedelta(minutes=self.police_alert_minutes)
        return datetime.timedelta(hours=self.other_alert_hours)

    @property
    def police_feedback(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.police_feedback_days)


def _belonging(children, places: Q) -> Q:
    """The scoping rule: a report belongs to its child's area; a report about a child not in the registry, to the
    place where the child was seen."""
    return Q(child__in=children) | (Q(child__isnull=True) & places)


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "IncidentQuerySet":
        """A report belongs to its child's county; a report about a child not in the registry, to its place."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.can(Can.SEE_PROJECT):
            return self
        if not user.can(Can.SEE_AREA):
            return self.none()
        scope = _belonging(Child.objects.visible_to(user), user.area_q("place__code"))
        if user.can(Can.HAVE_CASELOAD):  # a worker also sees what they filed themselves
            scope |= Q(reported_by=user)
        return self.filter(scope)

    def of_area(self, code: str) -> "IncidentQuerySet":
        """The reports an area's bureau sees (visible_to's rule with `code` as the scope): about a child living
        there, or, with no child linked, seen there. Not the reports seen there about children of other areas.
        A county bureau's dashboard counts these and its list's `area` filter shows them (docs/reports.md)."""
        prefix = code_prefix(code)
        return self.filter(_belonging(Child.objects.filter(residence__code__startswith=prefix),
                                      Q(place__code__startswith=prefix)))

    def open(self) -> "IncidentQuerySet":
        return self.filter(status=Incident.Status.OPEN)


class Incident(models.Model):
    """One discovery report: what was seen, and whom it was reported to (IncidentNotice)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: recipients or police feedback outstanding")
        HANDLED = "handled", _("Every required recipient told")

    class ReporterKind(models.TextChoices):
        SELF = "self", _("I saw it myself")
        CHILD_DIRECTOR = "child_director", _("Village child director")
        TEACHER = "teacher", _("Teacher or school")
        MEDICAL = "medical", _("Doctor or nurse")
        NEIGHBOUR = "neighbour", _("Neighbour or villager")
        FAMILY = "family", _("Family member")
        CHILD = "child", _("The child")
        OTHER = "other", _("Someone else")

    class RiskDecision(models.TextChoices):
        PROPOSED = "proposed", _("High risk proposed")
        CONFIRMED = "confirmed", _("High risk confirmed")
        NO_CHILD = "no_child", _("Child not in the registry")

    situations = models.JSONField(_("situations"), default=list)
    immediate_danger = models.BooleanField(_("the danger is immediate"), default=False)
    child = models.ForeignKey(Child, verbose_name=_("child"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="incidents")
    child_description = EncryptedTextField(
        _("child not in the registry"), blank=True,
        help_text=_("Name if known, sex, about how old, where the child lives."))
    discovered_at = models.DateTimeField(_("when it was seen"))
    place = models.ForeignKey("divisions.Division", verbose_name=_("where"), on_delete=models.PROTECT,
                              related_name="+")
    place_detail = EncryptedCharField(_("exact place"), blank=True)
    description = EncryptedTextField(_("what was seen"))
    reporter_kind = models.CharField(_("who reports"), max_length=16, choices=ReporterKind.choices,
                                     default=ReporterKind.SELF)
    reporter_name = EncryptedCharField(_("reporter's name"), blank=True)
    reporter_phone = EncryptedCharField(_("reporter's phone"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                    related_name="+")
    # The form's one-time token: a second post of the same form finds this report (accounts.concurrency).
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    reported_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    # The visit the report was raised from. PROTECT: visits are never deleted, and a report must not silently
    # lose where it came from if one ever were. No reverse accessor: visits know nothing of cases.
    visit = models.ForeignKey("visits.Visit", verbose_name=_("from visit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    risk_decision = models.CharField(_("risk level"), max_length=10, choices=RiskDecision.choices,
                                     default=RiskDecision.PROPOSED)
    risk_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("high risk confirmed by"),
                                          null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    risk_confirmed_at = models.DateTimeField(_("high risk confirmed at"), null=True, blank=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="incidents")

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("discovery report")
        verbose_name_plural = _("discovery reports")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(child__isnull=False) | ~Q(child_description=""),
                                   name="cases_incident_child_or_description"),
            models.CheckConstraint(condition=~Q(situations=[]), name="cases_incident_has_situation"),
            models.CheckConstraint(condition=Q(risk_decision="proposed") | Q(risk_decision="no_child")
                                   | Q(risk_confirmed_by__isnull=False, risk_confirmed_at__isnull=False),
                                   name="cases_incident_confirmed_has_person"),
        ]

    def __str__(self):
        who = self.child.name if self.child_id else _("child not in the registry")
        return _("Discovery report #%(pk)s · %(who)s") % {"pk": self.pk, "who": who}

    def get_absolute_url(self):
        return reverse("cases:incident_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if not self.child_id and not self.child_description.strip():
            errors["child_description"] = _("Choose the child from the registry, or describe the child here.")
        if not self.situations:
            errors["situations"] = _("Tick at least one situation.")
        unknown = set(self.situations or []) - set(Situation.values)
        if unknown:
            errors["situations"] = _("Unknown situation: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        if self.discovered_at and self.discovered_at > timezone.now() + FUTURE_TOLERANCE:
            errors["discovered_at"] = _("This time is in the future: enter when the situation was seen.")
        if errors:
            raise ValidationError(errors)

    # -- who may do what (called on a report fetched through visible_to(user))
    def can_change(self, user) -> bool:
        return user.can(Can.DO_CASEWORK)

    def can_see_reporter(self, user) -> bool:
        # Who may see who reported (docs/domain.md §5 and 强制报告意见 art. 17 keep the reporter confidential).
        return user.is_active and (user.can(Can.SEE_REPORTER) or user.pk == self.reported_by_id)

    # -- derived
    def situation_labels(self) -> list[str]:
        return [str(Situation(code).label) for code in self.situations if code in Situation.values]

    def is_mandatory(self) -> bool:
        return any(code in MANDATORY_SITUATIONS for code in self.situations)

    @property
    def county_code(self) -> str:
        """The county whose 民政 receives the report: the child's, else the place's."""
        return (self.child.residence_id if self.child_id else self.place_id)[:6]

    def refresh_status(self) -> None:
        """Handled once every required recipient is logged and the police feedback is in."""
        notices = list(self.notices.all())
        done = all(n.notified_at for n in notices if n.need == Need.REQUIRED) and all(
            n.feedback_at for n in notices if n.recipient == Recipient.POLICE and n.notified_at)
        status = self.Status.HANDLED if done else self.Status.OPEN
        if status != self.status:
            self.status = status
            self.handled_at = timezone.now() if done else None
            self.save(update_fields=["status", "handled_at"])

    def confirm_high_risk(self, *, by) -> None:
        from children.models import RiskLevel

        self.child.set_risk_level(RiskLevel.HIGH, by=by)
        self.risk_decision = self.RiskDecision.CONFIRMED
        self.risk_confirmed_by, self.risk_confirmed_at = by, timezone.now()
        self.save(update_fields=["risk_decision", "risk_confirmed_by", "risk_confirmed_at"])


# Phones and servers disagree by a minute or two; a time a little ahead of the server is not "future".
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


class IncidentNotice(models.Model):
    """One recipient of a report: whether they must be told and, once told, when, how, whom, the receipt."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        ALARM_110 = "110", _("110 alarm call")
        IN_PERSON = "in_person", _("In person")
        WRITTEN = "written", _("Written report")
        ONLINE = "online", _("Online platform")

    incident = models.ForeignKey(Incident, verbose_name=_("discovery report"), on_delete=models.CASCADE,
                                 related_name="notices")
    recipient = models.CharField(_("recipient"), max_length=16, choices=Recipient.choices)
    need = models.CharField(_("need"), max_length=10, choices=Need.choices)
    notified_at = models.DateTimeField(_("told at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    receiver = models.CharField(_("receiving person"), max_length=64, blank=True)
    receipt_number = models.CharField(_("receipt or case number"), max_length=64, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("feedback received at"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), blank=True)
    # When the late-notice alert and the feedback reminder went out (each goes out once).
    alerted_at = models.DateTimeField(_("late alert sent at"), null=True, blank=True)
    feedback_reminded_at = models.DateTimeField(_("feedback reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        ordering = ["incident", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "recipient"], name="cases_incidentnotice_one_per_recipient"),
            models.CheckConstraint(condition=Q(notified_at__isnull=True) | (~Q(channel="") & ~Q(receiver="")),
                                   name="cases_incidentnotice_logged_is_complete"),
            models.CheckConstraint(condition=Q(feedback_at__isnull=True) | Q(notified_at__isnull=False),
                                   name="cases_incidentnotice_feedback_after_notice"),
        ]

    def __str__(self):
        return f"{self.incident} → {self.get_recipient_display()}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url()

    def clean(self):
        if self.notified_at and (not self.channel or not self.receiver.strip()):
            raise ValidationError(_("Give the channel and the receiving person."))

    def alert_due_at(self, policy: IncidentPolicy) -> datetime.datetime:
        """The recipient's deadline: the duty runs from discovery, not from filing (docs/incidents.md)."""
        return self.incident.discovered_at + policy.alert_after(self.recipient)

    def feedback_due_at(self, policy: IncidentPolicy) -> datetime.datetime | None:
        if self.recipient != Recipient.POLICE or not self.notified_at:
            return None
        return self.notified_at + policy.police_feedback

    def is_overdue(self, policy: IncidentPolicy, now=None) -> bool:
        return (self.need == Need.REQUIRED and not self.notified_at
                and (now or timezone.now()) > self.alert_due_at(policy))

    def feedback_overdue(self, policy: IncidentPolicy, now=None) -> bool:
        due = self.feedback_due_at(policy)
        return bool(due and not self.feedback_at and (now or timezone.now()) > due)


class IncidentMeasure(models.Model):
    """An emergency measure taken for the child (应急处置)."""

    class Kind(models.TextChoices):
        SHELTER = "shelter", _("Emergency shelter")
        TEMPORARY_GUARDIANSHIP = "temporary_guardianship", _("Request for temporary guardianship")
        MEDICAL = "medical", _("Medical care")
        SAFETY_PLAN = "safety_plan", _("Safety arrangement with family or village")
        OTHER = "other", _("Other measure")

    incident = models.ForeignKey(Incident, verbose_name=_("discovery report"), on_delete=models.CASCADE,
                                 related_name="measures")
    kind = models.CharField(_("measure"), max_length=24, choices=Kind.choices)
    taken_at = models.DateTimeField(_("taken at"))
    note = EncryptedTextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("emergency measure")
        verbose_name_plural = _("emergency measures")
        ordering = ["taken_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.incident}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url()
