"""Writes across models: contract years with their targets, attendance, photos, the article workflow."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts import services as account_services
from accounts.models import User
from accounts.policy import Can
from accounts.uploads import clean_image

from .models import (
    CONTRACT_TARGETS,
    Activity,
    ActivityPhoto,
    Article,
    ArticleImage,
    ContractYear,
    Target,
    TrainingAttendee,
)
from .text import identifying_details

# ---------------------------------------------------------------- contract year


@transaction.atomic
def create_contract_year(*, name: str, signed_on: datetime.date) -> ContractYear:
    """A contract year with the contract's default targets (the lead can change them afterwards)."""
    year = ContractYear.objects.create(name=name, signed_on=signed_on)
    add_contract_targets(year=year)
    return year


def add_contract_targets(*, year: ContractYear) -> None:
    for rule, kind, minimum in CONTRACT_TARGETS:
        Target.objects.get_or_create(contract_year=year, rule=rule, activity_kind=kind,
                                     defaults={"minimum": minimum})


REMIND_DAYS_BEFORE_MONTH_END = 7


def remind_missing_targets(*, today: datetime.date | None = None) -> list:
    """Notify the project leads, once per contract month and rule, when the month ends within a week
    and its activities are still missing. Safe to run any number of times."""
    from accounts.dates import local_today

    from .targets import State, evaluate, fmt

    today = today or local_today()
    year = ContractYear.current(today)
    if year is None:
        return []
    leads = account_services.users_who_can(Can.LEAD_PROJECT)
    sent = []
    for result in evaluate(year, today=today).results:
        for month in result.months:
            if month.state != State.DUE or (month.period.end - today).days > REMIND_DAYS_BEFORE_MONTH_END:
                continue
            sent += account_services.notify(
                recipients=leads, level="warning", url="/activities/targets/",
                title=_("%(n)s more %(kind)s needed by %(date)s") % {
                    "n": month.needed - month.held, "kind": result.target.get_activity_kind_display(),
                    "date": fmt(month.period.end)},
                body=result.title, key=f"activities:target:{result.target.pk}:month:{month.period.index}")
    return sent


# ---------------------------------------------------------------- activities


@transaction.atomic
def set_attendance(*, activity: Activity, chosen, by: User) -> None:
    """Set the registered children attending, as far as `by` can see them.

    Children already recorded whom `by` cannot see (another area's children) are kept: an editor
    changes only the part of the list they are allowed to see.
    """
    from children.models import Child

    visible = Child.objects.visible_to(by)
    hidden_ids = set(activity.registered_children.exclude(pk__in=visible.values("pk")).values_list("pk", flat=True))
    activity.registered_children.set(hidden_ids | {c.pk for c in chosen})


@transaction.atomic
def record_attendees(*, activity: Activity, rows: list[dict], by: User) -> list[TrainingAttendee]:
    """The people trained at `activity`, each row {name, position, division}: a 儿童主任 or 儿童督导员 is
    the contact on the ground of that role, name and place — found, or created — so a person is counted
    once however many trainings they attend. Someone already on this training's list is refused, and
    then nothing is saved."""
    from children.models import Contact

    made = []
    for row in rows:
        name, position, division = row["name"], row["position"], row["division"]
        contact = None
        if position in Contact.Kind.values:
            contact = Contact.objects.filter(kind=position, name=name, division=division).order_by("id").first()
            if contact is None:
                contact = Contact.objects.create(kind=position, name=name, division=division)
            already = activity.attendees.filter(contact=contact).exists()
        else:
            already = activity.attendees.filter(name=name, position=position, division=division).exists()
        if already:
            raise ValidationError(_("%(name)s is already on this training's list.") % {"name": name})
        made.append(TrainingAttendee.objects.create(activity=activity, name=name, position=position,
                                                    division=division, contact=contact))
    return made


@transaction.atomic
def add_photo(*, activity: Activity, upload, caption: str, by: User) -> ActivityPhoto:
    cleaned = clean_image(upload)
    photo = ActivityPhoto(activity=activity, caption=caption, uploaded_by=by, sha256=cleaned.sha256)
    photo.image.save(cleaned.file.name, cleaned.file, save=False)
    photo.save()
    return photo


# ---------------------------------------------------------------- articles

@transaction.atomic
def add_article_image(*, article: Article, upload, caption: str, by: User) -> ArticleImage:
    if not article.can_change(by):
        raise PermissionDenied
    cleaned = clean_image(upload)
    image = ArticleImage(article=article, caption=caption, uploaded_by=by, sha256=cleaned.sha256)
    image.image.save(cleaned.file.name, cleaned.file, save=False)
    image.save()
    article.clear_checklist()  # the checklist is for the images as they are now
    article.save(update_fields=["uses_pseudonyms", "no_faces", "no_school", "no_address", "updated_at"])
    return image


@transaction.atomic
def submit_article(*, article: Article, by: User, note: str = "") -> Article:
    """Send a de-identified article to the bureau for approval (提交审批)."""
    list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True))  # lock the row
    article.refresh_from_db()
    if not article.can_change(by):
        raise PermissionDenied
    if not article.deidentified:
        raise ValidationError(_("Tick every item of the de-identification checklist before submitting."))
    problems = identifying_details(article.body + " " + article.title)
    if problems:
        raise ValidationError(problems)
    account_services.request_approval(
        obj=article, kind=Article.APPROVAL_KIND, by=by, approver_role=policy.ARTICLE_APPROVER, note=note,
        fingerprint=article.fingerprint(), title=_("Article waiting for review: %(title)s") % {"title": article.title})
    article.status, article.submitted_at = Article.Status.SUBMITTED, timezone.now()
    article.save(update_fields=["status", "submitted_at", "updated_at"])
    return article


def decide_article(*, article: Article, by: User, approve: bool, comment: str = "") -> Article:
    """The bureau's decision; the approval mechanism refuses anyone but the bureau, and the requester."""
    article.refresh_from_db()
    pending = account_services.pending_approval(article, Article.APPROVAL_KIND)
    if pending is None or article.status != Article.Status.SUBMITTED:
        raise ValidationError(_("This article is not waiting for review."))
    if approve:
        account_services.approve(approval=pending, by=by, comment=comment)
    else:
        account_services.return_for_revision(approval=pending, by=by, comment=comment)
    article.refresh_from_db()
    return article


@transaction.atomic
def publish_article(*, article: Article, by: User, media: str, published_on: datetime.date, link: str = "") -> Article:
    """Record where an approved article appeared. Only the exact approved content may be published."""
    list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk", flat=True))  # lock the row
    article.refresh_from_db()
    if not article.can_publish(by):
        raise PermissionDenied
    if not account_services.is_approved(article, Article.APPROVAL_KIND, fingerprint=article.fingerprint()):
        raise ValidationError(_("The text changed after the bureau approved it; submit it for review again."))
    article.status, article.media, article.published_on, article.link = (
        Article.Status.PUBLISHED, media, published_on, link)
    article.save(update_fields=["status", "media", "published_on", "link", "updated_at"])
    return article
