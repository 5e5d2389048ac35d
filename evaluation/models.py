"""The effectiveness evaluation (服务成效评估) and the facts the reports still lacked (docs/evaluation.md):
client follow-up surveys (服务对象回访) with a versioned question set and sampling targets, the workers'
monthly feedback (社工反馈), partners and their feedback (合作单位反馈), the 摸底排查 coverage by village and
the material help mobilised (物质帮助)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedTextField
from accounts.policy import Can
from children.models import Child

SCORES = [(n, str(n)) for n in range(1, 6)]


def _score_field(label):
    return models.PositiveSmallIntegerField(label, choices=SCORES,
                                            validators=[MinValueValidator(1), MaxValueValidator(5)])


def _team_member(user) -> bool:
    """A social worker assigned to the project (has an area scope); one without sees only their own entries."""
    return user.can(Can.HAVE_CASELOAD) and bool(user.area_codes())


def project_records_visible_to(queryset, user, *, area_field: str, author_field: str):
    """Project records (partners, their feedback, screening rounds): the team and the city bureau see all;
    a county bureau those of its county; a social worker without an area only what they entered."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.can(Can.SEE_PROJECT):
        return queryset
    if user.can(Can.HAVE_CASELOAD):
        return queryset if _team_member(user) else queryset.filter(**{author_field: user})
    if user.can(Can.SEE_AREA):
        return queryset.filter(user.area_q(area_field))
    return queryset.none()


def _changeable_by(user, author_id) -> bool:
    """Called on a record fetched through visible_to(user): its author and the project's managers change it."""
    if not user.is_active or not user.can(Can.DO_CASEWORK):
        return False
    return user.can(Can.MANAGE_PROJECT) or user.pk == author_id


# ---------------------------------------------------------------- survey question sets


class QuestionSet(models.Model):
    """One version of the survey's questions. Never edited once answered: an edit makes the next version,
    and every survey keeps the version (and so the exact wording) it was asked in."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey question set")
        verbose_name_plural = _("survey question sets")
        ordering = ["-version"]

    def __str__(self):
        return _("Question set, version %(n)s") % {"n": self.version}

    def get_absolute_url(self):
        return reverse("evaluation:questions")

    @classmethod
    def current(cls) -> "QuestionSet":
        return cls.objects.order_by("-version").first()


class Question(models.Model):
    """A satisfaction item scored 1–5, belonging to one version of the question set."""

    question_set = models.ForeignKey(QuestionSet, verbose_name=_("question set"), on_delete=models.PROTECT,
                                     related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=200)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["question_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "order"], name="evaluation_question_one_per_position"),
            models.UniqueConstraint(fields=["question_set", "text"], name="evaluation_question_unique_text"),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("evaluation:questions")


class SamplingTarget(models.Model):
    """The share of closed cases, held activities and visits the lead wants followed by a survey."""

    context = models.CharField(_("occasion"), max_length=16, unique=True,
                               choices=[("case_closure", _("After a case closed")),
                                        ("activity", _("After an activity")),
                                        ("visit", _("At a sampled visit"))])
    percent = models.PositiveSmallIntegerField(_("target (%)"), validators=[MaxValueValidator(100)])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("sampling target")
        verbose_name_plural = _("sampling targets")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="evaluation_samplingtarget_percent")]

    def __str__(self):
        return f"{self.get_context_display()} {self.percent}%"

    def get_absolute_url(self):
        return reverse("evaluation:coverage")


# ---------------------------------------------------------------- client follow-up surveys (服务对象回访)


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SurveyQuerySet":
        """Answers about a child: whoever sees the child sees them (Child.objects.visible_to)."""
        return self.filter(child__in=Child.objects.visible_to(user))


class Survey(models.Model):
    class Context(models.TextChoices):
        CASE_CLOSURE = "case_closure", _("After a case closed")
        ACTIVITY = "activity", _("After an activity")
        VISIT = "visit", _("At a sampled visit")

    class Respondent(models.TextChoices):
        CHILD = "child", _("Child")
        GUARDIAN = "guardian", _("Guardian")
        CAREGIVER = "caregiver", _("Entrusted caregiver")
        CHILD_AND_GUARDIAN = "child_and_guardian", _("Child and guardian together")

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="surveys")
    question_set = models.ForeignKey(QuestionSet, verbose_name=_("question set"), on_delete=models.PROTECT,
                                     related_name="surveys")
    context = models.CharField(_("occasion"), max_length=16, choices=Context.choices)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="surveys")
    activity = models.ForeignKey("activities.Activity", verbose_name=_("activity"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="surveys")
    visit = models.ForeignKey("visits.Visit", verbose_name=_("visit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="surveys")
    respondent = models.CharField(_("who answered"), max_length=20, choices=Respondent.choices)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    done_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    comment = EncryptedTextField(_("what they said"), blank=True)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("client follow-up survey")
        verbose_name_plural = _("client follow-up surveys")
        ordering = ["-done_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(context="case_closure", case__isnull=False, activity__isnull=True, visit__isnull=True)
                           | Q(context="activity", case__isnull=True, activity__isnull=False, visit__isnull=True)
                           | Q(context="visit", case__isnull=True, activity__isnull=True, visit__isnull=False)),
                name="evaluation_survey_link_matches_context"),
            models.UniqueConstraint(fields=["case"], condition=Q(case__isnull=False),
                                    name="evaluation_survey_one_per_case"),
            models.UniqueConstraint(fields=["activity", "child"], condition=Q(activity__isnull=False),
                                    name="evaluation_survey_one_per_activity_child"),
            models.UniqueConstraint(fields=["visit"], condition=Q(visit__isnull=False),
                                    name="evaluation_survey_one_per_visit"),
        ]

    def __str__(self):
        return _("Survey of %(child)s on %(day)s") % {"child": self.child, "day": self.done_on}

    def get_absolute_url(self):
        return reverse("evaluation:survey_detail", args=[self.pk])

    @property
    def linked(self):
        return self.case or self.activity or self.visit

    def can_change(self, user) -> bool:
        return _changeable_by(user, self.worker_id)


def cases_waiting_for_survey(user):
    """Closed cases without their follow-up survey: the worker's own, or every visible one for the managers."""
    from cases.models import Case

    if not user.can(Can.DO_CASEWORK):
        return Case.objects.none()
    cases = (Case.objects.visible_to(user).filter(stage__in=Case.CLOSED_STAGES)
             .filter(~models.Exists(Survey.objects.filter(case=models.OuterRef("pk"))))
             .select_related("child").order_by("-closed_on", "-id"))
    return cases if user.can(Can.MANAGE_PROJECT) else cases.filter(worker=user)


class SurveyAnswerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SurveyAnswerQuerySet":
        return self.filter(survey__child__in=Child.objects.visible_to(user))


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+")
    score = _score_field(_("score"))

    objects = SurveyAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["survey", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="evaluation_surveyanswer_one_per_question"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_surveyanswer_score_1_5"),
        ]

    def __str__(self):
        return f"{self.question}: {self.score}"

    def get_absolute_url(self):
        return self.survey.get_absolute_url()


# ---------------------------------------------------------------- the workers' monthly feedback (社工反馈)


class WorkerFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WorkerFeedbackQuerySet":
        """The worker's own reports; all of them for those who answer them (Can.READ_WORKER_FEEDBACK)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.can(Can.READ_WORKER_FEEDBACK):
            return self
        return self.filter(worker=user)


class WorkerFeedback(models.Model):
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT,
                               related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    workload = models.TextField(_("workload"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    training_needs = models.TextField(_("training needs"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    response = models.TextField(_("supervisor's response"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responded by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    objects = WorkerFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("social worker feedback")
        verbose_name_plural = _("social worker feedback")
        ordering = ["-month", "worker_id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "month"], name="evaluation_workerfeedback_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="evaluation_workerfeedback_month_first_day"),
        ]

    def __str__(self):
        return _("%(worker)s, %(month)s") % {"worker": self.worker, "month": f"{self.month:%Y-%m}"}

    def get_absolute_url(self):
        return reverse("evaluation:feedback_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        """The author, until the supervisor has answered."""
        return user.is_active and user.pk == self.worker_id and not self.responded_at

    def can_respond(self, user) -> bool:
        return user.can(Can.SUPERVISE)


# ---------------------------------------------------------------- partners and their feedback (合作单位反馈)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PartnerQuerySet":
        return project_records_visible_to(self, user, area_field="county__code", author_field="created_by")


class Partner(models.Model):
    """An organisation the project works with. Where it is also in the resource directory (资源库), it is
    linked to that entry rather than typed twice."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")
        CHILDREN_HOME = "children_home", _("Children's home")
        HOSPITAL = "hospital", _("Hospital")
        POLICE = "police", _("Police station")
        CHARITY = "charity", _("Charity")
        VOLUNTEERS = "volunteers", _("Volunteers' organisation")
        DONOR = "donor", _("Donor (company or person)")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    county = models.ForeignKey("divisions.Division", verbose_name=_("county-level unit"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": "county"},
                               help_text=_("Leave empty for a partner of the whole city."))
    resource = models.OneToOneField("cases.Resource", verbose_name=_("entry in the resource directory"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="partner")
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["kind", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="evaluation_partner_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:partner_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        return _changeable_by(user, self.created_by_id)


class PartnerFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PartnerFeedbackQuerySet":
        return self.filter(partner__in=Partner.objects.visible_to(user))


class PartnerFeedback(models.Model):
    class Channel(models.TextChoices):
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting")
        PAPER = "paper", _("Paper form")

    partner = models.ForeignKey(Partner, verbose_name=_("partner organisation"), on_delete=models.PROTECT,
                                related_name="feedback")
    received_on = models.DateField(_("date"), db_index=True)
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    given_by = models.CharField(_("given by"), max_length=60, help_text=_("Name and position, e.g. 王校长."))
    cooperation = _score_field(_("cooperation with the project"))
    responsiveness = _score_field(_("timeliness of the social workers"))
    effect = _score_field(_("effect on the children"))
    comments = models.TextField(_("comments"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PartnerFeedbackQuerySet.as_manager()

    SCORE_FIELDS = ("cooperation", "responsiveness", "effect")

    class Meta:
        verbose_name = _("partner feedback")
        verbose_name_plural = _("partner feedback")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "received_on", "given_by"],
                                    name="evaluation_partnerfeedback_unique"),
            models.CheckConstraint(condition=Q(cooperation__gte=1, cooperation__lte=5, responsiveness__gte=1,
                                               responsiveness__lte=5, effect__gte=1, effect__lte=5),
                                   name="evaluation_partnerfeedback_scores_1_5"),
        ]

    def __str__(self):
        return f"{self.partner} {self.received_on}"

    def get_absolute_url(self):
        return self.partner.get_absolute_url() + f"#feedback-{self.pk}"

    def can_change(self, user) -> bool:
        return _changeable_by(user, self.entered_by_id)


# ---------------------------------------------------------------- 摸底排查 coverage


class ScreeningQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ScreeningQuerySet":
        return project_records_visible_to(self, user, area_field="village__code", author_field="entered_by")


class Screening(models.Model):
    """One village's 摸底排查: who went, when, how many children were screened, how many entered the
    registry and why the others did not (screened = entered + the reasons' counts)."""

    REASON_FIELDS = ("not_eligible", "already_registered", "moved_away", "declined", "other_reason")

    village = models.ForeignKey("divisions.Division", verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="+", limit_choices_to={"level": "village"})
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"))
    surveyors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("social workers"), related_name="+")
    others = models.CharField(_("others taking part"), max_length=200, blank=True,
                              help_text=_("Child director, village committee members…"))
    screened = models.PositiveIntegerField(_("children screened"))
    entered = models.PositiveIntegerField(_("entered the registry"))
    not_eligible = models.PositiveIntegerField(_("not left-behind or in difficulty"), default=0)
    already_registered = models.PositiveIntegerField(_("already in the registry"), default=0)
    moved_away = models.PositiveIntegerField(_("moved away or not found"), default=0)
    declined = models.PositiveIntegerField(_("family declined"), default=0)
    other_reason = models.PositiveIntegerField(_("other reasons"), default=0)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening (摸排)")
        verbose_name_plural = _("screenings (摸排)")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "started_on"], name="evaluation_screening_one_per_village_day"),
            models.CheckConstraint(condition=Q(ended_on__gte=F("started_on")),
                                   name="evaluation_screening_ends_after_start"),
            models.CheckConstraint(
                condition=Q(screened=F("entered") + F("not_eligible") + F("already_registered") + F("moved_away")
                            + F("declined") + F("other_reason")),
                name="evaluation_screening_counts_add_up"),
        ]

    def __str__(self):
        return f"{self.village} {self.started_on}"

    def get_absolute_url(self):
        return reverse("evaluation:screening_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        return _changeable_by(user, self.entered_by_id)

    def clean(self):
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The last day cannot be before the first.")
        if self.screened is not None and self.entered is not None:
            accounted = self.entered + sum(getattr(self, name) or 0 for name in self.REASON_FIELDS)
            if accounted != self.screened:
                errors["screened"] = _(
                    "%(screened)s children screened, but %(accounted)s accounted for: the children entered and "
                    "the reasons the others were not must add up to the children screened.") % {
                    "screened": self.screened, "accounted": accounted}
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------- material help (物质帮助)


class MaterialHelpQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MaterialHelpQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


class MaterialHelp(models.Model):
    class Kind(models.TextChoices):
        ITEMS = "items", _("Items")
        MONEY = "money", _("Money")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="material_help")
    donor = models.ForeignKey(Partner, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="help_given")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    description = models.CharField(_("what was given"), max_length=200)
    value = models.DecimalField(_("value (yuan)"), max_digits=10, decimal_places=2)
    given_on = models.DateField(_("date"), db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MaterialHelpQuerySet.as_manager()

    class Meta:
        verbose_name = _("material help")
        verbose_name_plural = _("material help")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="evaluation_materialhelp_value_positive"),
            models.UniqueConstraint(fields=["child", "donor", "given_on", "description"],
                                    name="evaluation_materialhelp_unique"),
        ]

    def __str__(self):
        return f"{self.description}（{self.child}）"

    def get_absolute_url(self):
        return reverse("evaluation:help_list") + f"#help-{self.pk}"

    def can_change(self, user) -> bool:
        return _changeable_by(user, self.recorded_by_id)
