"""The child (个人档案): its fields, the one scoping rule, and the helpers its search columns use."""

import datetime
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pypinyin import Style, lazy_pinyin
from simple_history.models import HistoricalRecords

from accounts.fields import EncryptedCharField, EncryptedTextField, blind_index
from accounts.policy import Can, allows
from accounts.uploads import ProtectedFileField

from .. import idnumber
from ..signals import risk_level_changed
from .policy import RiskLevel
from .reference import Benefit, Category, Contact

# ---------------------------------------------------------------- helpers

# Surnames pypinyin reads with their everyday sound (曾 céng → zēng); the first character only.
SURNAME_PINYIN = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "冼": "xian", "尉": "yu", "种": "chong",
    "秘": "bi", "繁": "po", "翟": "zhai", "纪": "ji", "萧": "xiao", "沈": "shen", "那": "na",
    "长": "chang", "重": "chong", "员": "yun", "能": "nai", "相": "xiang", "宿": "su", "折": "she",
}


def name_pinyin(name: str) -> tuple[str, str]:
    """('zhangxiaoming', 'zxm') for 张小明: lowercase, no spaces, one reading per character."""
    name = "".join(name.split())
    if not name:
        return "", ""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    if name[0] in SURNAME_PINYIN and syllables:
        syllables[0] = SURNAME_PINYIN[name[0]]
    syllables = [s.lower() for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def search_columns(name: str) -> dict[str, str]:
    """The indexed columns a name is searched by: 张小明 → name_pinyin 'zhangxiaoming', name_initials 'zxm'
    and name_pinyin_given 'xiaoming' (all searched by prefix, so a btree index serves them)."""
    full, initials = name_pinyin(name)
    given = full[len(name_pinyin(name.strip()[:1])[0]):] if full else ""
    return {"name_pinyin": full, "name_initials": initials, "name_pinyin_given": given}


def phone_index(phone: str) -> str | None:
    """Blind index of a phone number (digits only), or None when there is no number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return blind_index(digits) if digits else None


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birthday_years_ago(day: datetime.date, years: int) -> datetime.date:
    """The birth date of someone who turns `years` on `day` (29 Feb → 28 Feb in common years)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def photo_upload_to(instance, filename):
    # A random name: the file name a phone gives often carries the child's name or a date.
    return f"children/photos/{uuid.uuid4().hex}{os.path.splitext(filename)[1].lower()[:8]}"


# ---------------------------------------------------------------- the child

class ChildQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ChildQuerySet":
        """The one scoping rule for children; every other model filters through it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.can(Can.SEE_PROJECT):
            return self
        if not user.can(Can.SEE_AREA):
            return self.none()  # system administrators reach child data only through audited views
        seen = user.area_q("residence__code")
        if user.can(Can.HAVE_CASELOAD):
            seen |= Q(social_worker=user)  # and the children assigned to them wherever they live
        return self.filter(seen)

    def in_registry(self) -> "ChildQuerySet":
        return self.filter(status=Child.Status.REGISTERED)

    def with_id_number(self, number: str) -> "ChildQuerySet":
        """Exact search by ID number through the blind index (lowercase x, spaces accepted)."""
        normal = idnumber.normalise(number)
        return self.filter(id_number_index=blind_index(normal)) if normal else self.none()

    def with_phone(self, phone: str) -> "ChildQuerySet":
        """Children whose guardian, caregiver or a parent has this phone number (exact)."""
        from .family import Parent  # family.py imports this module

        index = phone_index(phone)
        if not index:
            return self.none()
        # The parents' children first (a few rows through the parents' index), then one bitmap OR of three
        # index lookups: an `OR EXISTS (...)` here kept PostgreSQL from using any of the indexes.
        parents_children = list(Parent.objects.filter(phone_index=index).values_list("child_id", flat=True)[:1000])
        return self.filter(Q(guardian_phone_index=index) | Q(caregiver_phone_index=index)
                           | Q(pk__in=parents_children))

    def age_between(self, youngest: int | None = None, oldest: int | None = None,
                    day: datetime.date | None = None) -> "ChildQuerySet":
        """Children aged youngest..oldest (whole years, both included) on `day` (today)."""
        day = day or timezone.localdate()
        qs = self
        if youngest is not None:
            qs = qs.filter(birth_date__lte=birthday_years_ago(day, youngest))
        if oldest is not None:
            qs = qs.filter(birth_date__gt=birthday_years_ago(day, oldest + 1))
        return qs

    def turning(self, age: int, *, within_days: int = 60, day: datetime.date | None = None) -> "ChildQuerySet":
        """Children whose `age`th birthday falls in the next `within_days` days (today included)."""
        day = day or timezone.localdate()
        last = day + datetime.timedelta(days=within_days)
        return self.filter(birth_date__gte=birthday_years_ago(day, age), birth_date__lte=birthday_years_ago(last, age))

    def with_benefit_gap(self) -> "ChildQuerySet":
        """应享未享: a category (and age) suggests a benefit the child does not receive, or an
        enrolment is marked entitled/applied but not yet paid."""
        from .benefits import benefit_gap_q  # benefits.py imports this module

        return self.filter(benefit_gap_q())


class Child(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("In registry")
        EXITED = "exited", _("Left registry")

    class ExitReason(models.TextChoices):
        TURNED_16 = "turned_16", _("Turned 16")
        TURNED_18 = "turned_18", _("Turned 18")
        PARENTS_RETURNED = "parents_returned", _("Parents returned home")
        MOVED_AWAY = "moved_away", _("Moved away")
        DIED = "died", _("Died")
        OTHER = "other", _("Other")

    class HukouType(models.TextChoices):
        RURAL = "rural", _("Rural household registration")
        URBAN = "urban", _("Urban household registration")
        UNREGISTERED = "unregistered", _("Not registered (no hukou)")

    class Source(models.TextChoices):
        SURVEY = "survey", _("Survey (摸排)")
        REFERRAL = "referral", _("Referral")
        REPORT = "report", _("Report")
        IMPORT = "import", _("Ledger import")

    class GuardianRelation(models.TextChoices):
        PARENT = "parent", _("Parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Adult sibling")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs department (state guardianship)")
        VILLAGE_COMMITTEE = "village_committee", _("Village or residents' committee")
        OTHER = "other", _("Other")

    class CaregiverHealth(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Poor")
        SERIOUS = "serious", _("Seriously ill or disabled")

    class Disqualification(models.TextChoices):
        # 未成年人保护法 art. 22: who may not be entrusted with a child's care.
        OFFENCE = "offence", _("Has committed sexual abuse, abuse, abandonment, trafficking or violence")
        VICES = "vices", _("Drug use, alcoholism, gambling or similar vices")
        NEGLECT = "neglect", _("Has refused or long neglected guardianship or care duties")
        OTHER_UNFIT = "other_unfit", _("Otherwise unfit to be entrusted")

    class SchoolStage(models.TextChoices):
        NOT_IN_KINDERGARTEN = "none", _("Not in kindergarten")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary")
        SENIOR = "senior", _("Senior secondary")
        VOCATIONAL = "vocational", _("Secondary vocational")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        OUT_OF_SCHOOL = "out_of_school", _("Never enrolled / out of school")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("Healthy")
        CHRONIC = "chronic", _("Chronic illness")
        SERIOUS = "serious", _("Serious illness")
        # A context of its own: Django's admin uses plain "Disabled" for a switched-off password (禁用).
        DISABLED = "disabled", pgettext_lazy("health", "Disabled")

    class DisabilityType(models.TextChoices):
        VISION = "vision", _("Visual")
        HEARING = "hearing", _("Hearing")
        SPEECH = "speech", _("Speech")
        PHYSICAL = "physical", _("Physical")
        INTELLECTUAL = "intellectual", _("Intellectual")
        MENTAL = "mental", _("Mental")
        MULTIPLE = "multiple", _("Multiple")

    class Economy(models.TextChoices):
        NONE = "none", _("Not in hardship")
        LOW_INCOME_EDGE = "low_income_edge", _("Marginal low-income (低保边缘)")
        MINIMUM_LIVING = "minimum_living", _("Minimum living allowance (低保)")
        EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty support (特困)")
        OTHER_HARDSHIP = "other_hardship", _("Other hardship")

    class LegalBasis(models.TextChoices):
        STATUTORY_DUTY = "statutory_duty", _("Statutory duty (civil affairs child protection)")
        GUARDIAN_CONSENT = "guardian_consent", _("Guardian consent")

    class ConsentForm(models.TextChoices):
        WRITTEN = "written", _("Signed paper form")
        ELECTRONIC = "electronic", _("Electronic signature")
        RECORDED = "recorded", _("Recorded oral consent")

    # 1. identity
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, db_index=True, editable=False)
    name_pinyin_given = models.CharField(_("given name in pinyin"), max_length=200, blank=True, db_index=True,
                                         editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=16, default="汉族", blank=True)
    id_number = EncryptedCharField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    hukou = models.ForeignKey("divisions.Division", verbose_name=_("registered residence"), on_delete=models.PROTECT,
                              related_name="+", null=True, blank=True)
    hukou_address = EncryptedTextField(_("registered address"), blank=True)
    hukou_type = models.CharField(_("household registration"), max_length=16, choices=HukouType.choices,
                                  default=HukouType.RURAL)
    residence = models.ForeignKey("divisions.Division", verbose_name=_("actual residence"), on_delete=models.PROTECT,
                                  related_name="+")
    address = EncryptedTextField(_("address"), blank=True)
    # 家庭: siblings grouped as one family (docs/households.md); changed only by children.households
    household = models.ForeignKey("children.Household", verbose_name=_("family"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="children", editable=False)
    photo = ProtectedFileField(_("photo"), upload_to=photo_upload_to, blank=True)

    # 2. categories
    categories = models.ManyToManyField(Category, through="ChildCategory", verbose_name=_("categories"),
                                        related_name="children", blank=True)

    # 4. guardianship and care
    guardian_name = models.CharField(_("legal guardian"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=20, choices=GuardianRelation.choices,
                                         blank=True)
    guardian_phone = EncryptedCharField(_("guardian's phone"), blank=True)
    guardian_phone_index = models.CharField(max_length=64, blank=True, null=True, db_index=True, editable=False)
    caregiver_name = models.CharField(_("entrusted caregiver"), max_length=50, blank=True)
    caregiver_relation = models.CharField(_("caregiver's relation"), max_length=20, blank=True)
    caregiver_age = models.PositiveSmallIntegerField(_("caregiver's age"), null=True, blank=True)
    caregiver_health = models.CharField(_("caregiver's health"), max_length=10, choices=CaregiverHealth.choices,
                                        blank=True)
    caregiver_phone = EncryptedCharField(_("caregiver's phone"), blank=True)
    caregiver_phone_index = models.CharField(max_length=64, blank=True, null=True, db_index=True, editable=False)
    caregiver_disqualifications = models.JSONField(_("caregiver disqualifications (art. 22)"), default=list,
                                                   blank=True)
    school_told_in_writing = models.BooleanField(_("school told in writing of the entrusted care"), default=False)
    village_told_in_writing = models.BooleanField(_("village committee told in writing of the entrusted care"),
                                                  default=False)
    lives_alone = models.BooleanField(_("lives alone without a guardian"), default=False)

    # 5. schooling
    school_stage = models.CharField(_("school stage"), max_length=16, choices=SchoolStage.choices, blank=True,
                                    db_index=True)
    school_name = models.CharField(_("school"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    boarding = models.BooleanField(_("boarding"), default=False)
    head_teacher = models.CharField(_("head teacher"), max_length=50, blank=True)
    head_teacher_phone = EncryptedCharField(_("head teacher's phone"), blank=True)

    # 6. health (categorical fields stay plain for statistics; details are encrypted)
    health = models.CharField(_("health status"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    health_note = EncryptedTextField(_("health details"), blank=True)
    disability_type = models.CharField(_("disability type"), max_length=16, choices=DisabilityType.choices,
                                       blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True,
                                                        choices=[(n, n) for n in range(1, 5)])
    disability_certificate = EncryptedCharField(_("disability certificate number"), blank=True)
    serious_illness = EncryptedTextField(_("serious illness"), blank=True)
    mental_health_conclusion = EncryptedTextField(_("mental-health assessment conclusion"), blank=True)
    receives_rehabilitation = models.BooleanField(_("receives rehabilitation or medical aid"), default=False)

    # 7. family economy
    economy = models.CharField(_("family economy"), max_length=20, choices=Economy.choices, default=Economy.NONE)
    economy_note = models.TextField(_("family economy notes"), blank=True)

    # 8. risk (assessments in models/assessments.py)
    risk_level = models.CharField(_("risk level"), max_length=12, choices=RiskLevel.choices, blank=True,
                                  db_index=True)

    # 9. people responsible
    social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="caseload")
    child_director = models.ForeignKey(Contact, verbose_name=_("child director"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       limit_choices_to={"kind": Contact.Kind.CHILD_DIRECTOR})
    child_supervisor = models.ForeignKey(Contact, verbose_name=_("child supervisor"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         limit_choices_to={"kind": Contact.Kind.CHILD_SUPERVISOR})
    village_contact = models.ForeignKey(Contact, verbose_name=_("village committee contact"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        limit_choices_to={"kind": Contact.Kind.VILLAGE_COMMITTEE})

    # 10. ledger
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED,
                              db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SURVEY)
    no_case_reason = models.CharField(
        _("why no case is opened"), max_length=200, blank=True,
        help_text=_("For a high-risk child without an open case: the lead's reason. Cleared when the level changes."))
    category_pending = models.CharField(
        _("category to be confirmed"), max_length=16, blank=True,
        help_text=_("The umbrella word a ledger gave (困境儿童) until the exact category is recorded (待细分)."))
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, choices=ExitReason.choices, blank=True)
    exit_note = models.CharField(_("exit details"), max_length=200, blank=True)
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Taken by each save from the edit form, so a stale form is refused (accounts.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    # R2: why we may hold this child's data
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices,
                                   default=LegalBasis.STATUTORY_DUTY)
    consent_by = models.CharField(_("consent given by"), max_length=50, blank=True)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_version = models.CharField(_("consent form version"), max_length=20, blank=True)
    consent_form = models.CharField(_("consent form"), max_length=12, choices=ConsentForm.choices, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "version", "name_pinyin", "name_initials",
                                                "name_pinyin_given"])

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name", "id"]
        # The list's default order (name, id): pages are read from the index, not sorted on disk.
        # The trigram and character indexes for name search are PostgreSQL-only: migration 0008.
        indexes = [models.Index(fields=["name", "id"], name="children_child_name_id"),
                   # The home page's "turning 16 or 18" card: a range of birth dates, not a scan (issue 17).
                   models.Index(fields=["birth_date"], name="children_child_birth_date"),
                   # Its 待细分 card: the few children still pending, not a scan.
                   models.Index(fields=["category_pending"], condition=~Q(category_pending=""),
                                name="children_child_pending"),
                   # A worker's children (the work list, the home card's due visits) from the index alone.
                   models.Index(fields=["social_worker", "status", "residence", "id"], name="children_child_caseload")]
        constraints = [
            models.CheckConstraint(condition=Q(status="registered") | (Q(exited_on__isnull=False) & ~Q(exit_reason="")),
                                   name="children_child_exit_has_reason_and_date"),
            models.CheckConstraint(condition=~Q(legal_basis="guardian_consent")
                                   | (Q(consent_date__isnull=False) & ~Q(consent_version="") & ~Q(consent_form="")),
                                   name="children_child_consent_recorded"),
            models.CheckConstraint(condition=Q(disability_grade__isnull=True)
                                   | Q(disability_grade__gte=1, disability_grade__lte=4),
                                   name="children_child_disability_grade_1_to_4"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = self.name.strip()
        self.fill_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"name": ("name_pinyin", "name_initials", "name_pinyin_given"), "id_number": ("id_number_index",),
                       "guardian_phone": ("guardian_phone_index",), "caregiver_phone": ("caregiver_phone_index",)}
            extra = {d for f, ds in derived.items() if f in update_fields for d in ds}
            kwargs["update_fields"] = set(update_fields) | extra
        super().save(*args, **kwargs)


    def get_absolute_url(self):
        return reverse("children:detail", args=[self.pk])

    def fill_search_columns(self) -> None:
        """The pinyin columns and the blind indexes the search reads (bulk_create skips save(): call this)."""
        for field, value in search_columns(self.name).items():
            setattr(self, field, value)
        self.id_number = idnumber.normalise(self.id_number)
        self.id_number_index = blind_index(self.id_number) if self.id_number else None
        self.guardian_phone_index = phone_index(self.guardian_phone)
        self.caregiver_phone_index = phone_index(self.caregiver_phone)


    def clean(self):
        errors = {}
        if self.status == self.Status.EXITED and (not self.exit_reason or not self.exited_on):
            errors["exit_reason"] = _("Give the exit reason and date when a child leaves the registry.")
        if self.legal_basis == self.LegalBasis.GUARDIAN_CONSENT and not (
                self.consent_date and self.consent_version and self.consent_form):
            errors["consent_date"] = _("With guardian consent as the legal basis, record the consent date, "
                                       "form version and how it was given.")
        if errors:
            raise ValidationError(errors)

    # -- reading
    @property
    def id_number_masked(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.birth_date, day)

    def birthday(self, age: int) -> datetime.date:
        return birthday_years_ago(self.birth_date, -age)

    @property
    def is_registered(self) -> bool:
        return self.status == self.Status.REGISTERED

    def category_codes(self) -> set[str]:
        return {link.category.code for link in self.category_links.all()}

    def suggested_benefits(self, day: datetime.date | None = None) -> list[Benefit]:
        """Current benefits one of this child's categories (and age) suggests."""
        day = day or timezone.localdate()
        age = self.age_on(day)
        category_ids = {link.category_id for link in self.category_links.all()}
        benefits = Benefit.objects.filter(categories__in=category_ids).distinct().prefetch_related("categories")
        return [b for b in benefits if b.is_current(day) and b.suits_age(age)]

    def missing_benefits(self, day: datetime.date | None = None) -> list[Benefit]:
        """应享未享 for this child: suggested or marked entitled/applied, but not being received."""
        from .benefits import BenefitEnrolment  # benefits.py imports this module

        receiving = {e.benefit_id: e.status for e in self.benefit_enrolments.all()}
        pending = {BenefitEnrolment.Status.ENTITLED, BenefitEnrolment.Status.APPLIED}
        missing = [b for b in self.suggested_benefits(day)
                   if receiving.get(b.pk) in (None, BenefitEnrolment.Status.STOPPED)]
        missing += [e.benefit for e in self.benefit_enrolments.all() if e.status in pending]
        return list({b.pk: b for b in missing}.values())

    # -- permissions
    def can_change(self, user) -> bool:
        """Called on a child already fetched through visible_to(user)."""
        return allows(user, Can.DO_CASEWORK)

    # -- state changes
    def set_risk_level(self, level: str, *, by) -> None:
        """Store a person-confirmed risk level and tell the apps that schedule by it."""
        old = self.risk_level
        self.risk_level = level
        if old != level:
            self.no_case_reason = ""  # a reason not to open a case answered the old level only
        self.save(update_fields=["risk_level", "no_case_reason", "updated_at"])
        if old != level:
            risk_level_changed.send(sender=Child, child=self, old=old, new=level, by=by)

    def exit(self, *, reason: str, on: datetime.date, note: str = "", by=None) -> None:
        """Leave the registry; the record is kept (never deleted)."""
        if not reason or on is None:
            raise ValidationError(_("Give the exit reason and date when a child leaves the registry."))
        self.status, self.exit_reason, self.exited_on, self.exit_note = self.Status.EXITED, reason, on, note
        self._history_user = by
        self.save(update_fields=["status", "exit_reason", "exited_on", "exit_note", "updated_at"])

    def readmit(self, *, by=None) -> None:
        """Back into the registry (e.g. parents left again); the old exit stays in the history."""
        self.status, self.exit_reason, self.exited_on, self.exit_note = self.Status.REGISTERED, "", None, ""
        self._history_user = by
        self.save(update_fields=["status", "exit_reason", "exited_on", "exit_note", "updated_at"])


class ChildRelatedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(child__in=Child.objects.visible_to(user))

