"""Reference data the records point at: child categories and benefits (loaded by a data migration),
and the contacts on the ground (儿童主任, 儿童督导员, village committee).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fields import EncryptedCharField


class Category(models.Model):
    """儿童类别 (docs/domain.md §1): reference data loaded by a data migration."""

    code = models.SlugField(_("short code"), max_length=32, unique=True)
    name = models.CharField(_("category name"), max_length=32, unique=True)
    max_age = models.PositiveSmallIntegerField(_("only under (age)"), default=18,
                                               help_text=_("The tag ends on this birthday."))
    rule = models.TextField(_("rule"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("child category")
        verbose_name_plural = _("child categories")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("children:list") + f"?category={self.code}"


class Benefit(models.Model):
    """A benefit (保障待遇) and which categories suggest it (docs/domain.md §2)."""

    class Department(models.TextChoices):
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
        DISABLED_FEDERATION = "disabled_federation", _("Disabled persons' federation")
        EDUCATION = "education", _("Education")
        MEDICAL_SECURITY = "medical_security", _("Medical security")

    code = models.SlugField(_("short code"), max_length=32, unique=True)
    name = models.CharField(_("benefit name"), max_length=64, unique=True)
    department = models.CharField(_("responsible department"), max_length=24, choices=Department.choices)
    standard_amount = models.DecimalField(_("standard amount (yuan)"), max_digits=10, decimal_places=2, null=True,
                                          blank=True)
    amount_unit = models.CharField(_("amount per"), max_length=16, blank=True, help_text=_("e.g. month, year, once"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("suggested for categories"), blank=True,
                                        related_name="benefits")
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    below_age = models.PositiveSmallIntegerField(_("below age"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="children_benefit_valid_to_after_from"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:children_benefit_change", args=[self.pk])

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date must not be before the start date.")})

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    def suits_age(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.below_age is None or age < self.below_age)


class Contact(models.Model):
    """A person responsible on the ground: 儿童主任 (village), 儿童督导员 (town), village committee."""

    class Kind(models.TextChoices):
        CHILD_DIRECTOR = "child_director", _("Child director")
        CHILD_SUPERVISOR = "child_supervisor", _("Child supervisor")
        VILLAGE_COMMITTEE = "village_committee", _("Village committee contact")

    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    division = models.ForeignKey("divisions.Division", verbose_name=_("area"), on_delete=models.PROTECT,
                                 related_name="+")
    phone = EncryptedCharField(_("phone"), blank=True)
    active = models.BooleanField(_("in post"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact on the ground")
        verbose_name_plural = _("contacts on the ground")
        ordering = ["division_id", "kind", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self):
        return reverse("admin:children_contact_change", args=[self.pk])

