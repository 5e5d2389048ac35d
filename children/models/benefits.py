"""What a child is recognised as and entitled to: category tags (认定) and benefit enrolments, and the
应享未享 rule that compares them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.uploads import ProtectedFileField

from .child import Child, ChildRelatedQuerySet, birthday_years_ago
from .reference import Benefit, Category


def evidence_upload_to(instance, filename):
    return f"children/{instance.child_id}/evidence/{filename}"



def benefit_gap_q(day: datetime.date | None = None) -> Q:
    day = day or timezone.localdate()
    pending = Exists(BenefitEnrolment.objects.filter(
        child=OuterRef("pk"), status__in=[BenefitEnrolment.Status.ENTITLED, BenefitEnrolment.Status.APPLIED]))
    q = Q(pending)
    for _benefit, missing in benefit_gaps(day):
        q |= missing
    return q


def benefit_gaps(day: datetime.date) -> list[tuple["Benefit", Q]]:
    """Each benefit in force on `day` with the Q of the children it suggests who do not receive, apply for or
    hold an entitlement to it (应享未享 benefit by benefit; two queries on the reference tables)."""
    benefits = Benefit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                                      Q(valid_to__isnull=True) | Q(valid_to__gte=day)).prefetch_related("categories")
    gaps = []
    for benefit in benefits:
        category_ids = [c.pk for c in benefit.categories.all()]
        if not category_ids:
            continue
        suggested = Q(Exists(ChildCategory.objects.filter(child=OuterRef("pk"), category_id__in=category_ids)))
        if benefit.min_age is not None:
            suggested &= Q(birth_date__lte=birthday_years_ago(day, benefit.min_age))
        if benefit.below_age is not None:
            suggested &= Q(birth_date__gt=birthday_years_ago(day, benefit.below_age))
        received = Exists(BenefitEnrolment.objects.filter(
            child=OuterRef("pk"), benefit=benefit,
            status__in=[BenefitEnrolment.Status.RECEIVING, BenefitEnrolment.Status.APPLIED,
                        BenefitEnrolment.Status.ENTITLED]))
        gaps.append((benefit, suggested & ~Q(received)))
    return gaps


class ChildCategory(models.Model):
    """A category tag on a child, with how and when it was recognised (认定)."""

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE,
                              related_name="category_links")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="child_links")
    recognised_on = models.DateField(_("recognised on"))
    basis = models.CharField(_("basis of recognition"), max_length=200,
                             help_text=_("e.g. 民发〔2019〕62号; the document or finding the tag rests on"))
    evidence = ProtectedFileField(_("evidence"), upload_to=evidence_upload_to, documents=True, blank=True,
                                  max_length=200)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)  # accounts.concurrency: stale saves refused
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ChildRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("category tag")
        verbose_name_plural = _("category tags")
        ordering = ["category__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "category"], name="children_childcategory_unique"),
            models.CheckConstraint(condition=Q(review_on__isnull=True) | Q(review_on__gte=models.F("recognised_on")),
                                   name="children_childcategory_review_after_recognised"),
        ]

    def __str__(self):
        return f"{self.child} · {self.category}"

    def get_absolute_url(self):
        return self.child.get_absolute_url() + "#categories"

    def clean(self):
        if self.review_on and self.recognised_on and self.review_on < self.recognised_on:
            raise ValidationError({"review_on": _("The review date must not be before the recognition date.")})

    @property
    def ends_on(self) -> datetime.date:
        return self.child.birthday(self.category.max_age)


class BenefitEnrolment(models.Model):
    class Status(models.TextChoices):
        ENTITLED = "entitled", _("Entitled")
        APPLIED = "applied", _("Applied")
        RECEIVING = "receiving", _("Receiving")
        STOPPED = "stopped", _("Stopped")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.CASCADE,
                              related_name="benefit_enrolments")
    benefit = models.ForeignKey(Benefit, verbose_name=_("benefit"), on_delete=models.PROTECT,
                                related_name="enrolments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENTITLED)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    started_on = models.DateField(_("paid from"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # accounts.concurrency: stale saves refused
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ChildRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit enrolment")
        verbose_name_plural = _("benefit enrolments")
        ordering = ["benefit__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "benefit"], name="children_benefitenrolment_unique"),
            models.CheckConstraint(condition=~Q(status="stopped") | Q(stopped_on__isnull=False),
                                   name="children_benefitenrolment_stopped_has_date"),
            models.CheckConstraint(condition=Q(stopped_on__isnull=True) | Q(started_on__isnull=True)
                                   | Q(stopped_on__gte=models.F("started_on")),
                                   name="children_benefitenrolment_stopped_after_started"),
        ]

    def __str__(self):
        return f"{self.child} · {self.benefit} · {self.get_status_display()}"

    def get_absolute_url(self):
        return self.child.get_absolute_url() + "#benefits"

    def clean(self):
        if self.status == self.Status.STOPPED and not self.stopped_on:
            raise ValidationError({"stopped_on": _("Give the date the benefit stopped.")})
        if self.stopped_on and self.started_on and self.stopped_on < self.started_on:
            raise ValidationError({"stopped_on": _("The stop date must not be before the date payment began.")})

