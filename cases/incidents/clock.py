"""Reporting clocks of a discovery report: each recipient's deadline runs from discovery (docs/incidents.md).

The law asks the police to be told "immediately" and the contract 民政 "at once" from the moment the
situation is known, not from the moment someone files the report. So a report filed two days after the
child was seen is two days late, and the page says so, before and after each deadline passes.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import IncidentNotice, IncidentPolicy, Recipient


def format_delay(delta: datetime.timedelta) -> str:
    """A span in the two largest units that are not zero: 2天, 1天23小时, 50分钟 (minutes rounded up)."""
    minutes = max(0, -(-int(delta.total_seconds()) // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return "".join(parts[:2]) or ngettext("%(n)d minute", "%(n)d minutes", 0) % {"n": 0}


def deadline_label(recipient: str, policy: IncidentPolicy) -> str:
    """"公安机关：立即（发现后60分钟内）", "县（市、区）民政局：发现后24小时内"."""
    if recipient == Recipient.POLICE:
        return _("Immediately (within %(minutes)s minutes of discovery)") % {"minutes": policy.police_alert_minutes}
    return _("Within %(hours)s hours of discovery") % {"hours": policy.other_alert_hours}


def notice_clock(notice: IncidentNotice, policy: IncidentPolicy, now: datetime.datetime | None = None) -> dict:
    """What the page says about one recipient's deadline.

    state: "ahead" (not yet told, time left), "overdue" (not yet told, deadline passed), "on_time" or
    "late" (told, within or after the deadline); delay is the time left or the delay, already formatted.
    Only required recipients have a deadline; the others get state "none".
    """
    now = now or timezone.now()
    due = notice.alert_due_at(policy)
    clock = {"due_at": due, "label": deadline_label(notice.recipient, policy), "delay": "", "state": "none"}
    if notice.need != "required" and not notice.notified_at:
        return clock
    if notice.notified_at:
        late = notice.notified_at - due
        clock.update(state="late" if late > datetime.timedelta(0) else "on_time", delay=format_delay(late))
    elif now > due:
        clock.update(state="overdue", delay=format_delay(now - due))
    else:
        clock.update(state="ahead", delay=format_delay(due - now))
    return clock


def filing_delay(incident, notices, policy: IncidentPolicy) -> dict | None:
    """How long after discovery the report was filed, when that is past the shortest required deadline."""
    delay = incident.reported_at - incident.discovered_at
    shortest = min((policy.alert_after(notice.recipient) for notice in notices if notice.need == "required"),
                   default=policy.alert_after(Recipient.CIVIL_AFFAIRS))
    if delay <= shortest:
        return None
    return {"delay": format_delay(delay), "late_by": format_delay(delay - shortest)}
