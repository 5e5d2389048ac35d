"""The child's family: one row per parent (docs/domain.md §3.3), the other members of the household, and the
household (家庭) that groups siblings (docs/households.md)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.fields import EncryptedCharField
from accounts.policy import Can, allows

from .. import idnumber
from .child import Child, ChildRelatedQuerySet, phone_index


class Parent(models.Model):
    """One row per parent (docs/domain.md §3.3)."""

    class Kind(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")

    class Situation(models.TextChoices):
        AT_HOME = "at_home", _("At home")
        WORKING_AWAY = "working_away", _("Working away")
        DEAD = "dead", _("Dead")
        MISSING = "missing", _("Missing")
        IN_PRISON = "in_prison", _("Serving a sentence")
        IN_REHAB = "in_rehab", _("Compulsory drug rehabilitation")
        SERIOUSLY_ILL = "seriously_ill", _("Seriously ill")
        SEVERELY_DISABLED = "severely_disabled", _("Severely disabled")
        OUT_OF_CONTACT = "out_of_contact", _("Out of contact")
        GUARDIANSHIP_REVOKED = "guardianship_revoked", _("Guardianship revoked")
        DEPORTED = "deported", _("Deported")

    class ContactFrequency(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("At least weekly")
        MONTHLY = "monthly", _("At least monthly")
        RARELY = "rarely", _("Less than monthly")
        NEVER = "never", _("No contact")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="parents")
    kind = models.CharField(_("father or mother"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)
    id_number = EncryptedCharField(_("ID number"), blank=True)
    situation = models.CharField(_("situation"), max_length=24, choices=Situation.choices,
                                 default=Situation.WORKING_AWAY)
    work_place = models.CharField(_("place of work"), max_length=100, blank=True,
                                  help_text=_("Province and city, e.g. 广东省深圳市"))
    away_since = models.DateField(_("away since"), null=True, blank=True)
    phone = EncryptedCharField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, null=True, db_index=True, editable=False)
    contact_frequency = models.CharField(_("contacts the child"), max_length=10, choices=ContactFrequency.choices,
                                         blank=True)
    last_met_on = models.DateField(_("last met the child"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ChildRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("family", "parent")
        verbose_name_plural = _("parents")
        ordering = ["child_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind"], name="children_parent_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}".strip()

    def save(self, *args, **kwargs):
        self.id_number = idnumber.normalise(self.id_number)
        self.phone_index = phone_index(self.phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.child.get_absolute_url() + "#parents"

    @property
    def id_number_masked(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def months_since_met(self) -> int | None:
        if not self.last_met_on:
            return None
        today = timezone.localdate()
        return (today.year - self.last_met_on.year) * 12 + today.month - self.last_met_on.month

    @property
    def contacts_less_than_weekly(self) -> bool:
        """Art. 23: parents working away must contact the child at least once a week."""
        return self.contact_frequency in (self.ContactFrequency.MONTHLY, self.ContactFrequency.RARELY,
                                          self.ContactFrequency.NEVER)


class HouseholdMember(models.Model):
    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE,
                              related_name="household_members")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation to the child"), max_length=20)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ChildRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["child_id", "id"]

    def __str__(self):
        return f"{self.name}（{self.relation}）"

    def get_absolute_url(self):
        return self.child.get_absolute_url() + "#household"



class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HouseholdQuerySet":
        """A household is seen by whoever sees one of its children (never deleted, so never empty for long)."""
        return self.filter(pk__in=Child.objects.visible_to(user).filter(household__isnull=False)
                           .values("household_id"))


class Household(models.Model):
    """家庭: children of one family (siblings with the same guardian at the same address), so that one visit
    to the family counts once for the contract's family target (docs/households.md). Not the people living
    with a child (that is `HouseholdMember`). Never deleted: a wrong grouping is split by moving children
    out; a household left with no child stays, empty, in the change history."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("To be confirmed")
        CONFIRMED = "confirmed", _("Confirmed")

    class Source(models.TextChoices):
        IMPORT = "import", _("Ledger import")
        WORKER = "worker", _("Entered by a worker")

    name = models.CharField(_("family name"), max_length=60,
                            help_text=_("How the team calls the family, e.g. 张建国家 (the guardian's name)."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED,
                              db_index=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WORKER)
    note = models.CharField(_("note"), max_length=200, blank=True,
                            help_text=_("Required when the children live in different villages (e.g. one stays "
                                        "with grandparents in the next village on school days)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("children:household_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        """Called on a household fetched through visible_to(user)."""
        return allows(user, Can.DO_CASEWORK)
