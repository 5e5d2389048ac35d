"""Photos are never silently lost (issue 13 item 7; docs/visits.md "Photos kept across a sent-back form").

A browser cannot put a chosen file back into a file input. So when a visit form comes back with an error,
the photos that were chosen and are valid are stored at once as PendingVisitPhoto rows owned by the
user, and their ids travel in the hidden field `kept_photos` (which the device's draft keeps too). The
next successful save attaches them to the visit. Ids of someone else's photos, or of photos already
attached, are ignored.

A pending photo never attached (the form was given up, the phone died) is removed with its file after
`VISIT_PENDING_PHOTO_DAYS` by the beat task `visits.tasks.purge_abandoned_photos` (`purge_abandoned` below);
a form that still names such a photo says that it must be chosen again (`removed_message`).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.services import audit

from .models import PendingVisitPhoto, Visit, VisitPhoto

FIELD = "kept_photos"
MAX_KEPT = 10
PURGE_BATCH = 500


def _posted_ids(data) -> list[int]:
    return [int(part) for part in str(data.get(FIELD, "")).split(",") if part.strip().isdigit()][:MAX_KEPT]


def kept_from(data, user) -> list[PendingVisitPhoto]:
    """The user's unattached pending photos named in the form's hidden field, in the order chosen."""
    ids = _posted_ids(data)
    if not ids:
        return []
    found = {p.pk: p for p in PendingVisitPhoto.objects.filter(pk__in=ids, uploaded_by=user,
                                                                attached_to__isnull=True)}
    return [found[pk] for pk in ids if pk in found]


def keep(photos, user) -> list[PendingVisitPhoto]:
    """Store cleaned photos of a form that is sent back, so the worker need not choose them again."""
    return [PendingVisitPhoto.objects.create(image=photo.file, width=photo.width, height=photo.height,
                                             uploaded_by=user) for photo in photos]


@transaction.atomic
def attach_kept(pending: PendingVisitPhoto, *, visit: Visit, by) -> VisitPhoto | None:
    """Move a kept photo to the visit (the stored file is already re-encoded); once only."""
    locked = PendingVisitPhoto.objects.select_for_update().filter(pk=pending.pk, attached_to__isnull=True).first()
    if locked is None:  # attached meanwhile by another post of the same form
        return None
    photo = VisitPhoto.objects.create(visit=visit, image=locked.image.name, width=locked.width,
                                      height=locked.height, uploaded_by=by)
    locked.attached_to = photo
    locked.save(update_fields=["attached_to"])
    return photo


def kept_message(count: int) -> str:
    return ngettext("%(n)d photo you chose is kept and will be saved with the visit.",
                    "%(n)d photos you chose are kept and will be saved with the visit.", count) % {"n": count}


def removed_count(data) -> int:
    """How many photos named in the form's hidden field no longer exist: removed as abandoned (a draft restored
    on the phone after VISIT_PENDING_PHOTO_DAYS). Ids of photos attached or owned by someone else still exist."""
    ids = set(_posted_ids(data))
    if not ids:
        return 0
    return len(ids) - PendingVisitPhoto.objects.filter(pk__in=ids).count()


def removed_message(count: int) -> str:
    return ngettext(
        "%(n)d photo kept for this form was removed because the visit was not saved within %(days)d days: "
        "choose it again.",
        "%(n)d photos kept for this form were removed because the visit was not saved within %(days)d days: "
        "choose them again.", count) % {"n": count, "days": settings.VISIT_PENDING_PHOTO_DAYS}


def purge_abandoned(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remove the pending photos never attached to a visit and older than VISIT_PENDING_PHOTO_DAYS, row and
    file; return (rows removed, files that were already missing). A photo attached to a visit is never touched
    (its file is the visit's photo now). Idempotent; safe beside a save attaching the same photo: the rows are
    locked (PostgreSQL) and deleted before their files, and only the files of rows actually deleted go (so a
    photo attached meanwhile keeps its file). One audit entry per run, counts only."""
    days = settings.VISIT_PENDING_PHOTO_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    storage = PendingVisitPhoto._meta.get_field("image").storage
    removed = missing = 0
    while True:
        with transaction.atomic():
            batch = list(PendingVisitPhoto.objects.select_for_update(skip_locked=True)
                         .filter(attached_to__isnull=True, created_at__lt=cutoff).order_by("pk")[:PURGE_BATCH])
            if not batch:
                break
            ids = [p.pk for p in batch]
            PendingVisitPhoto.objects.filter(pk__in=ids, attached_to__isnull=True).delete()
            kept = set(PendingVisitPhoto.objects.filter(pk__in=ids).values_list("pk", flat=True))
            gone = [p for p in batch if p.pk not in kept]
            names = {p.image.name for p in gone if p.image.name}
            shared = set(VisitPhoto.objects.filter(image__in=names).values_list("image", flat=True))
            for name in names - shared:
                if storage.exists(name):
                    storage.delete(name)  # an error rolls the rows back: the next run tries again
                else:
                    missing += 1
            removed += len(gone)
    audit(user=None, action="visit.pending_photos_purged", removed=removed, files_missing=missing,
          older_than_days=days)
    return removed, missing
