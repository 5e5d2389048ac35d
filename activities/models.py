"""Community activities, trainings, articles (稿件) and the contract year whose targets they count toward.

Activities and articles are project records, not child records: see docs/activities.md for who sees
what. Dates are judged in Asia/Shanghai (`activities.targets.SHANGHAI`), whatever the server's zone.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.policy import Can
from accounts.uploads import ProtectedFileField

from .photos import photo_path
from .text import as_html

# ---------------------------------------------------------------- contract year and targets


class ContractYear(models.Model):
    """One year of the service contract. It starts on the signing date, which may be mid-month;
    its "months" are contract months counted from that day (15 March → 14 April, …)."""

    name = models.CharField(_("name"), max_length=100)
    signed_on = models.DateField(_("signing date"), unique=True,
                                 help_text=_("The contract year starts on this day and lasts one year."))
    # Monthly and quarterly reports of this year: calendar months (default) or contract months counted from
    # the signing date (docs/reports.md, "Periods").
    contract_month_reports = models.BooleanField(
        _("reports by contract month"), default=False,
        help_text=_("Monthly and quarterly reports of this year cover contract months (from the signing day) "
                    "instead of calendar months."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contract year")
        verbose_name_plural = _("contract years")
        ordering = ["-signed_on"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:targets") + f"?year={self.pk}"

    @property
    def ends_on(self):
        from .targets import contract_year_end

        return contract_year_end(self.signed_on)

    @classmethod
    def current(cls, today=None) -> "ContractYear | None":
        """The year containing today (Asia/Shanghai); else the latest one that has started; else the next."""
        from accounts.dates import local_today

        from .targets import contract_year_end

        today = today or local_today()
        started = list(cls.objects.filter(signed_on__lte=today).order_by("-signed_on")[:1])
        if started and contract_year_end(started[0].signed_on) >= today:
            return started[0]
        return started[0] if started else cls.objects.order_by("signed_on").first()


class ActivityKind(models.TextChoices):
    COMMUNITY_EDUCATION = "community_education", _("Community education activity")
    TRAINING = "training", _("Training of child supervisors and child directors")
    POLICY_PUBLICITY = "policy_publicity", _("Policy and law publicity session")
    FAMILY_GROUP = "family_group", _("Family-education group session")


class Target(models.Model):
    """One rule of the contract year, e.g. "at least 1 community education activity each month"."""

    class Rule(models.TextChoices):
        EACH_MONTH = "each_month", _("Activities in each contract month")
        EACH_COUNTY = "each_county", _("Activities in each county-level unit")
        YEAR_TOTAL = "year_total", _("Activities in the year")
        APPROVED_ARTICLES = "approved_articles", _("Articles approved by the bureau in the year")

    contract_year = models.ForeignKey(ContractYear, verbose_name=_("contract year"), on_delete=models.CASCADE,
                                      related_name="targets")
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    activity_kind = models.CharField(_("activity kind counted"), max_length=24, choices=ActivityKind.choices,
                                     blank=True, help_text=_("Leave empty for the article rule."))
    minimum = models.PositiveSmallIntegerField(_("at least"), default=1)

    class Meta:
        verbose_name = _("contract target")
        verbose_name_plural = _("contract targets")
        ordering = ["contract_year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract_year", "rule", "activity_kind"],
                                    name="activities_target_one_per_rule_and_kind"),
            models.CheckConstraint(condition=Q(minimum__gte=1), name="activities_target_minimum_positive"),
            models.CheckConstraint(condition=Q(rule="approved_articles", activity_kind="")
                                   | (~Q(rule="approved_articles") & ~Q(activity_kind="")),
                                   name="activities_target_kind_matches_rule"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} ≥ {self.minimum}"

    def get_absolute_url(self):
        return self.contract_year.get_absolute_url()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.rule == self.Rule.APPROVED_ARTICLES and self.activity_kind:
            raise ValidationError({"activity_kind": _("The article rule counts articles: leave the activity kind "
                                                      "empty.")})
        if self.rule and self.rule != self.Rule.APPROVED_ARTICLES and not self.activity_kind:
            raise ValidationError({"activity_kind": _("Choose which kind of activity this rule counts.")})


# The contract's numbers (需求书: 每月不少于1次社区教育活动，每个县（市、区）至少1次，全年不少于12次；
# 全年不少于12篇稿件). A new contract year starts with these; the lead can change them.
CONTRACT_TARGETS = [
    (Target.Rule.EACH_MONTH, ActivityKind.COMMUNITY_EDUCATION, 1),
    (Target.Rule.EACH_COUNTY, ActivityKind.COMMUNITY_EDUCATION, 1),
    (Target.Rule.YEAR_TOTAL, ActivityKind.COMMUNITY_EDUCATION, 12),
    (Target.Rule.APPROVED_ARTICLES, "", 12),
]


# ---------------------------------------------------------------- activities


def _team_member(user) -> bool:
    """A social worker assigned to the project (has an area scope)."""
    return user.can(Can.HAVE_CASELOAD) and bool(user.area_codes())


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActivityQuerySet":
        """Project records: the team and the city bureau see all; a county bureau its county."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.can(Can.SEE_PROJECT):
            return self
        if user.can(Can.HAVE_CASELOAD):
            return self if _team_member(user) else self.filter(Q(organiser=user) | Q(created_by=user))
        if user.can(Can.SEE_AREA):
            return self.filter(user.area_q("place__code"))
        return self.none()

    def held(self):
        return self.filter(status=Activity.Status.HELD)


class Activity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Topic(models.TextChoices):
        SAFETY = "safety", _("Safety education")
        DROWNING = "drowning", _("Drowning prevention")
        SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse prevention")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        LAW = "law", _("Law publicity")
        FAMILY_EDUCATION = "family_education", _("Family education")
        POLICY = "policy", _("Policy publicity")
        ANTI_DRUG = "anti_drug", _("Drug prevention")
        GUARDIANSHIP = "guardianship", _("Guardianship and child protection work")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices,
                            default=ActivityKind.COMMUNITY_EDUCATION, db_index=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.ForeignKey("divisions.Division", verbose_name=_("place"), on_delete=models.PROTECT,
                              related_name="+")
    county = models.ForeignKey("divisions.Division", verbose_name=_("county-level unit"), on_delete=models.PROTECT,
                               related_name="+", editable=False)
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    partners = models.CharField(_("partner organisations"), max_length=300, blank=True)
    volunteer_count = models.PositiveSmallIntegerField(_("volunteers"), default=0)
    volunteer_hours = models.DecimalField(_("volunteer hours"), max_digits=6, decimal_places=1, default=0)
    registered_children = models.ManyToManyField("children.Child", verbose_name=_("registered children attending"),
                                                 blank=True, related_name="activities")
    other_children_count = models.PositiveSmallIntegerField(_("other children"), default=0)
    parents_count = models.PositiveSmallIntegerField(_("parents and caregivers"), default=0)
    others_count = models.PositiveSmallIntegerField(_("other participants"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    feedback = models.TextField(_("participants' feedback"), blank=True)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organiser"), on_delete=models.PROTECT,
                                  related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                                   name="activities_activity_ends_after_starts"),
            models.CheckConstraint(condition=Q(volunteer_hours__gte=0), name="activities_activity_hours_not_negative"),
            models.CheckConstraint(condition=~Q(status="held") | ~Q(summary=""),
                                   name="activities_activity_held_has_summary"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d} {self.title}"

    def save(self, *args, **kwargs):
        if self.place_id:
            self.county_id = self.place_id[:6]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("activities:detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.status == self.Status.HELD:
            if not self.summary.strip():
                errors["summary"] = _("Write a short summary of what was done before recording it as held.")
            if self.starts_at and self.starts_at > timezone.now():
                errors["status"] = _("An activity that has not started yet cannot be recorded as held; keep it "
                                     "planned or correct the date.")
        if errors:
            raise ValidationError(errors)

    def can_change(self, user) -> bool:
        """Called on an activity already fetched through visible_to(user)."""
        if not user.is_active:
            return False
        if user.can(Can.MANAGE_PROJECT):
            return True
        return user.can(Can.HAVE_CASELOAD) and user.pk in (self.organiser_id, self.created_by_id)


class TrainingAttendee(models.Model):
    """Someone trained: a 儿童督导员 (town) or 儿童主任 (village), with where they serve. The person is
    the contact on the ground (children.Contact) — picked when already known, created otherwise — so
    the people trained are counted once however many trainings they attend (docs/activities.md).
    Name, position and place are kept as they stood on the day."""

    class Position(models.TextChoices):
        CHILD_SUPERVISOR = "child_supervisor", _("Child supervisor")
        CHILD_DIRECTOR = "child_director", _("Child director")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="attendees")
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    division = models.ForeignKey("divisions.Division", verbose_name=_("town or village"), on_delete=models.PROTECT,
                                 related_name="+")
    contact = models.ForeignKey("children.Contact", verbose_name=_("contact on the ground"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="trainings")

    class Meta:
        verbose_name = _("training attendee")
        verbose_name_plural = _("training attendees")
        ordering = ["division_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "contact"], condition=models.Q(contact__isnull=False),
                                    name="activities_attendee_once_per_training"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_position_display()}）"

    def get_absolute_url(self):
        return self.activity.get_absolute_url()


class Photo(models.Model):
    """A re-encoded image (no EXIF) under PROTECTED_MEDIA_ROOT, served only through a checked view."""

    image = ProtectedFileField(_("image"), upload_to=photo_path)
    sha256 = models.CharField(max_length=64, editable=False)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.caption or self.image.name.rsplit("/", 1)[-1]


class ActivityPhoto(Photo):
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="photos")

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["uploaded_at", "id"]

    def get_absolute_url(self):
        return reverse("activities:photo", args=[self.pk])


# ---------------------------------------------------------------- articles


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ArticleQuerySet":
        """The team sees every article; the bureau sees those sent to it (never a draft)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.can(Can.MANAGE_PROJECT):
            return self
        if user.can(Can.HAVE_CASELOAD):
            return self if _team_member(user) else self.filter(author=user)
        if user.can(Can.REVIEW_ARTICLES):
            return self.exclude(status=Article.Status.DRAFT)
        return self.none()


class Article(models.Model):
    """A 稿件: written by the team, de-identified (R12), approved by the bureau, then published."""

    APPROVAL_KIND = "article"

    class Kind(models.TextChoices):
        ACTIVITY_REPORT = "activity_report", _("Activity report")
        POLICY_READING = "policy_reading", _("Policy interpretation")
        WORK_RESEARCH = "work_research", _("Work research")
        INNOVATIVE_METHOD = "innovative_method", _("Innovative method")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), help_text=_("Use pseudonyms; no school, address or other detail that "
                                                   "identifies a child."))
    activity = models.ForeignKey(Activity, verbose_name=_("activity reported"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="articles")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    # The de-identification checklist (R12); every edit clears it, so it is ticked for the text sent.
    uses_pseudonyms = models.BooleanField(_("children are named only by pseudonyms"), default=False)
    no_faces = models.BooleanField(_("no child's face can be recognised in any image"), default=False)
    no_school = models.BooleanField(_("no school is named or shown"), default=False)
    no_address = models.BooleanField(_("no address or house can be identified"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, db_index=True)
    media = models.CharField(_("published in (media)"), max_length=120, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"])
                | Q(uses_pseudonyms=True, no_faces=True, no_school=True, no_address=True),
                name="activities_article_sent_deidentified"),
            models.CheckConstraint(condition=~Q(status__in=["approved", "published"]) | Q(approved_at__isnull=False),
                                   name="activities_article_approved_has_time"),
            models.CheckConstraint(condition=~Q(status="published") | (~Q(media="") & Q(published_on__isnull=False)),
                                   name="activities_article_published_has_media_and_date"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:article_detail", args=[self.pk])

    @property
    def body_html(self):
        """The text for display, sanitised again on the way out whatever wrote it."""
        return mark_safe(as_html(self.body))  # noqa: S308  nh3 has just cleaned it

    @property
    def deidentified(self) -> bool:
        return self.uses_pseudonyms and self.no_faces and self.no_school and self.no_address

    def clear_checklist(self) -> None:
        self.uses_pseudonyms = self.no_faces = self.no_school = self.no_address = False

    def fingerprint(self) -> str:
        """Digest of what the bureau approves: kind, title, text and every image."""
        digest = hashlib.sha256()
        for part in (self.kind, self.title, self.body, *self.images.order_by("id").values_list("sha256", flat=True)):
            digest.update(part.encode())
            digest.update(b"\x00")
        return digest.hexdigest()

    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def can_change(self, user) -> bool:
        """The author, the lead or the supervisor, while it is a draft or returned."""
        if not user.is_active or not self.is_editable():
            return False
        return user.can(Can.MANAGE_PROJECT) or (user.can(Can.HAVE_CASELOAD) and user.pk == self.author_id)

    def can_publish(self, user) -> bool:
        return (user.is_active and self.status == self.Status.APPROVED
                and (user.can(Can.MANAGE_PROJECT) or user.pk == self.author_id))

    def approval_decided(self, approval) -> None:
        """Called by accounts.services when the bureau decides (approved → counts; returned → editable)."""
        if approval.status == approval.Status.APPROVED:
            self.status, self.approved_at = self.Status.APPROVED, approval.decided_at
        else:
            self.status = self.Status.RETURNED
        self.save(update_fields=["status", "approved_at", "updated_at"])


class ArticleImage(Photo):
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="images")

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        ordering = ["uploaded_at", "id"]

    def get_absolute_url(self):
        return reverse("activities:article_image", args=[self.pk])
