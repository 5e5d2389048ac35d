"""Photos are never silently lost (issue 13 item 7; docs/visits.md "Photos kept across a sent-back form").

A browser cannot put a chosen file back into a file input. So when a visit form comes back with an error,
the photos that were chosen and are valid are stored at once as PendingVisitPhoto rows owned by the
user, and their ids travel in the hidden field `kept_photos` (which the device's draft keeps too). The
next successful save attaches them to the visit. Ids of someone else's photos, or of photos already
attached, are ignored.
"""

from django.db import transaction
from django.utils.translation import ngettext

from .models import PendingVisitPhoto, Visit, VisitPhoto

FIELD = "kept_photos"
MAX_KEPT = 10


def kept_from(data, user) -> list[PendingVisitPhoto]:
    """The user's unattached pending photos named in the form's hidden field, in the order chosen."""
    ids = [int(part) for part in str(data.get(FIELD, "")).split(",") if part.strip().isdigit()][:MAX_KEPT]
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
