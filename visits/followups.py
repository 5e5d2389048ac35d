"""随访 feedback to the county civil affairs bureau: a notice with a deadline, a reminder, a receipt.

The contract asks the project to pass what a 随访 learns to the local civil affairs department. A
follow-up contact is due to be fed back within FEEDBACK_DAYS of the contact [P]; feeding it back sends a
notice to the county bureau users of the contact's county (Can.RECEIVE_REPORTS scoped to the area), who
mark it received. The daily visit run reminds the worker of feedback past its deadline (once, keyed).
See docs/visits.md.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import Can, roles_with
from accounts.services import notify, users_who_can

from .models import FollowUpContact

FEEDBACK_DAYS = 7  # [P] a week to pass a 随访 on to the county bureau


def county_bureau_users(contact: FollowUpContact):
    """The civil affairs users scoped to the contact's place (the county bureau of that county)."""
    return users_who_can(Can.RECEIVE_REPORTS, within_code=contact.division_id).filter(
        role__in=roles_with(Can.SEE_AREA))


def _send_notice(contact: FollowUpContact) -> None:
    notify(recipients=county_bureau_users(contact), level="info", key=f"followup:{contact.pk}:feedback",
           title=_("Follow-up feedback: %(place)s, %(date)s") % {"place": contact.division,
                                                                  "date": contact.contacted_on},
           body=_("Read it and mark it received."), url=contact.get_absolute_url())


@transaction.atomic
def record_contact(*, contact: FollowUpContact, by: User, save_m2m=None) -> FollowUpContact:
    """Save a new 随访 with its feedback deadline; feedback given on the form goes out at once."""
    contact.recorded_by = by
    contact.feedback_due_on = contact.contacted_on + datetime.timedelta(days=FEEDBACK_DAYS)
    contact.save()
    if save_m2m:
        save_m2m()
    if contact.fed_back:
        _send_notice(contact)
    return contact


@transaction.atomic
def send_feedback(*, contact: FollowUpContact, by: User, fed_back_to: str, fed_back_on: datetime.date,
                  note: str) -> FollowUpContact:
    """Feed a 随访 back to the county bureau. Only once: a second send is refused, not repeated."""
    if fed_back_on > timezone.localdate():
        raise ValidationError({"fed_back_on": _("The feedback date is in the future.")})
    if fed_back_on < contact.contacted_on:
        raise ValidationError({"fed_back_on": _("The feedback date is before the contact date.")})
    updated = FollowUpContact.objects.filter(pk=contact.pk, fed_back=False).update(
        fed_back=True, fed_back_to=fed_back_to.strip(), fed_back_on=fed_back_on)
    if not updated:
        raise ValidationError(_("This follow-up was already fed back."))
    contact.refresh_from_db()
    contact.feedback_note = note  # encrypted field: saved through the model, not update()
    contact.save(update_fields=["feedback_note"])
    _send_notice(contact)
    return contact


@transaction.atomic
def mark_received(*, contact: FollowUpContact, by: User) -> FollowUpContact:
    """The county bureau confirms it has the feedback; the worker who recorded the 随访 is told."""
    if not by.can(Can.RECEIVE_REPORTS):
        raise ValidationError(_("Only the civil affairs bureau marks feedback received."))
    now = timezone.now()
    updated = FollowUpContact.objects.filter(pk=contact.pk, fed_back=True, received_at__isnull=True).update(
        received_by=by, received_at=now)
    if not updated:
        raise ValidationError(_("Nothing to mark: the feedback was not sent yet or is already marked received."))
    contact.refresh_from_db()
    notify(recipients=[contact.recorded_by], level="success", key=f"followup:{contact.pk}:received",
           title=_("The civil affairs bureau received the feedback: %(contact)s") % {"contact": contact},
           url=contact.get_absolute_url())
    return contact


def remind_feedback(*, today: datetime.date | None = None) -> int:
    """Daily: tell the worker (and the supervisors) of each 随访 not fed back by its deadline, once."""
    today = today or timezone.localdate()
    late = FollowUpContact.objects.filter(fed_back=False, feedback_due_on__lt=today).select_related(
        "division", "recorded_by")
    supervisors = list(users_who_can(Can.SUPERVISE))
    sent = 0
    for contact in late:
        sent += len(notify(
            recipients=[contact.recorded_by, *supervisors], level="warning", key=f"followup:{contact.pk}:late",
            title=_("Follow-up not fed back to the civil affairs bureau: %(contact)s") % {"contact": contact},
            body=_("It was due by %(date)s. Feed it back and record it.") % {"date": contact.feedback_due_on},
            url=contact.get_absolute_url()))
    return sent
