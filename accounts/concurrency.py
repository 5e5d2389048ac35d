"""Two people, one record: refuse a stale save; one form, two posts: create once.

The one place for both guards (docs/development.md, "Concurrent edits and double submits"):

- **Lost updates.** A model edited in place has a ``version`` column (``PositiveIntegerField(default=1,
  editable=False)``); its form carries the version it was opened at (``accounts.forms.VersionedFormMixin``);
  the service calls ``claim_version()`` inside the saving transaction. The claim is one conditional
  ``UPDATE … SET version = version + 1 WHERE pk = … AND version = <opened>``, so of two people who opened
  the same version exactly one wins, on every database, without holding a lock while the form is open.
- **Double submits.** A model created from a form has a unique nullable ``submission_token`` UUID; the
  form carries a fresh token (``accounts.forms.SubmissionTokenMixin``); ``already_submitted()`` finds the
  row an earlier post with that token created, and the unique constraint refuses a parallel second insert.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _


class StaleEditError(ValidationError):
    """Someone saved the record after this form was opened: nothing of this form was saved."""


def _stale_message(model, pk) -> str:
    current = model._default_manager.filter(pk=pk).first()
    who = (getattr(current, "updated_by", None) or getattr(current, "recorded_by", None)
           or _("someone else"))
    when = getattr(current, "updated_at", None)
    what = model._meta.verbose_name
    if when:
        return _("%(who)s saved this %(what)s at %(when)s, after you opened it. Nothing of yours was saved: "
                 "reload the page, then re-enter your changes.") % {
            "who": who, "what": what, "when": timezone.localtime(when).strftime("%H:%M")}
    return _("Someone saved this %(what)s after you opened it. Nothing of yours was saved: "
             "reload the page, then re-enter your changes.") % {"what": what}


def claim_version(instance: models.Model, expected: int | None) -> None:
    """Take the next version of `instance` if it is still at `expected`, else raise StaleEditError.

    Call it inside the transaction that saves the instance; the instance's own ``version`` is set to
    the new number so a following ``save()`` writes it unchanged. A missing version counts as stale."""
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected or 0).update(
        version=models.F("version") + 1)
    if not updated:
        raise StaleEditError(_stale_message(model, instance.pk), code="stale")
    instance.version = (expected or 0) + 1


def new_token() -> uuid.UUID:
    return uuid.uuid4()


def already_submitted(model, token):
    """The row an earlier post with this form token created, or None."""
    if not token:
        return None
    return model._default_manager.filter(submission_token=token).first()


def create_once(model, token, create):
    """Run `create()` (which saves a row with ``submission_token=token``) unless that token already made
    one; return (row, created). A parallel post with the same token loses on the unique constraint and
    gets the winner's row."""
    earlier = already_submitted(model, token)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        earlier = already_submitted(model, token)
        if earlier is None:
            raise
        return earlier, False
