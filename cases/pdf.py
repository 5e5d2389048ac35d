"""The complete case archive (个案帮扶的完整记录) as one Chinese PDF: every step in time order, with who and when."""

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exports import export_stamp
from accounts.pdf import html_to_pdf
from children.timeline import events_for

from .models import Case, CaseEvent, GoalEvaluation, SupervisionNote

# Child-timeline event kinds that other apps register and that belong in the case file too
# (亲情连线 from visits).
CASE_RELATED_TIMELINE_KINDS = {"family_call"}


@dataclass
class Entry:
    when: datetime.datetime
    who: object
    kind: str
    title: str = ""
    lines: list = field(default_factory=list)  # (label, text)
    goal_rows: list = field(default_factory=list)  # 评估: (number, goal, result, comment), one table row each


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def family_calls_of(case: Case, user) -> list:
    """亲情连线 sessions other apps put on the child's timeline since the case was opened (see docs/cases.md)."""
    def day(when):
        return when.date() if isinstance(when, datetime.datetime) else when

    return [e for e in events_for(case.child, user)
            if e.kind in CASE_RELATED_TIMELINE_KINDS and day(e.when) >= case.opened_on]


def case_entries(case: Case, user) -> list[Entry]:
    """Every recorded step of the case, oldest first."""
    entries: list[Entry] = []
    family_calls = family_calls_of(case, user)
    requested = {CaseEvent.Kind.PLAN_REQUESTED: _("Service plan"), CaseEvent.Kind.CLOSURE_REQUESTED: _("Closure")}
    decided = {CaseEvent.Kind.PLAN_DECIDED: _("Service plan"), CaseEvent.Kind.CLOSURE_DECIDED: _("Closure")}
    for event in case.events.select_related("by"):
        if event.kind == CaseEvent.Kind.OPENED:
            entries.append(Entry(event.at, event.by, _("Intake"), case.get_source_display(), [
                (_("how the case came in"), case.source_note), (_("presenting problem"), case.reason)]))
        elif event.kind in (CaseEvent.Kind.STAGE, CaseEvent.Kind.REOPENED):
            entries.append(Entry(event.at, event.by, event.get_kind_display(), str(event),
                                 [(_("note"), event.note)]))
        elif event.kind in requested:
            entries.append(Entry(event.at, event.by, _("Submitted for approval"), str(requested[event.kind]),
                                 [(_("note"), event.note), (_("content submitted"), event.snapshot)]))
        elif event.kind in decided:
            entries.append(Entry(event.at, event.by, event.approval_status_label, str(decided[event.kind]),
                                 [(_("comment"), event.note)]))
    for a in case.assessments.select_related("created_by"):
        entries.append(Entry(a.created_at, a.created_by, _("Assessment"), str(a), [
            *a.needs(), (_("strengths"), a.strengths), (_("risks"), a.risks)]))
    for plan in case.plans.select_related("created_by", "updated_by"):
        entries.append(Entry(plan.updated_at, plan.updated_by or plan.created_by, _("Service plan"), str(plan),
                             [("", plan.as_text())]))
    for call in family_calls:
        entries.append(Entry(_at(call.when) if not isinstance(call.when, datetime.datetime) else call.when, None,
                             _("Parent–child call"), call.title, [("", call.detail)]))
    for r in case.services.select_related("service_type", "created_by"):
        entries.append(Entry(r.created_at, r.created_by, _("Service record"), f"{r.service_type} · {r.served_on:%Y-%m-%d}", [
            (_("duration (minutes)"), str(r.duration_minutes)),
            (_("who took part"), "，".join(filter(None, [r.participant_labels(), r.participant_names]))),
            (_("content"), r.content), (_("result"), r.result)]))
    for r in case.referrals.select_related("resource", "created_by", "updated_by"):
        entries.append(Entry(r.created_at, r.created_by, _("Referral"), str(r.resource), [
            (_("sent on"), f"{r.sent_on:%Y-%m-%d}"), (_("what the child needs from it"), r.need)]))
        if r.status_changed_on:
            entries.append(Entry(_at(r.status_changed_on), r.updated_by, _("Referral"),
                                 f"{r.resource} · {r.get_status_display()}", [(_("outcome"), r.outcome)]))
    for n in case.notes.select_related("created_by"):
        entries.append(Entry(n.created_at, n.created_by, _("Case note"), "", [("", n.text)]))
    for ev in case.evaluations.select_related("created_by"):
        results = GoalEvaluation.objects.filter(evaluation=ev).select_related("goal").order_by("goal__order",
                                                                                               "goal_id")
        entries.append(Entry(ev.created_at, ev.created_by, _("Evaluation"), str(ev),
                             [(_("overall evaluation"), ev.summary)],
                             goal_rows=[(n, g.goal.text, g.get_result_display(), g.comment)
                                        for n, g in enumerate(results, start=1)]))
    for c in case.closures.select_related("created_by"):
        entries.append(Entry(c.created_at, c.created_by, _("Closure"), c.get_reason_display(),
                             [(_("closure summary"), c.summary)]))
    for f in case.follow_ups.select_related("done_by"):
        if f.done_on:
            entries.append(Entry(f.recorded_at or _at(f.done_on), f.done_by, _("Follow-up"), str(f), [
                (_("done on"), f"{f.done_on:%Y-%m-%d}"), (_("method"), f.get_method_display()),
                (_("child's situation"), f.situation),
                (_("the case should be reopened"), _("Yes") if f.needs_reopening else "")]))
    for s in SupervisionNote.objects.filter(case=case).select_related("created_by"):
        entries.append(Entry(s.created_at, s.created_by, _("Supervision note"), f"{s.supervised_on:%Y-%m-%d}",
                             [("", s.text)]))
    for e in entries:
        e.lines = [(label, text) for label, text in e.lines if text]
    return sorted(entries, key=lambda e: e.when)


def render_case_pdf(case: Case, user) -> bytes:
    pending_follow_ups = case.follow_ups.filter(done_on__isnull=True, cancelled=False)
    html = render_to_string("cases/archive_pdf.html", {
        "case": case, "entries": case_entries(case, user), "pending_follow_ups": pending_follow_ups,
        "printed_at": timezone.localtime(), "printed_by": user, "export_stamp": export_stamp(user)})
    return html_to_pdf(html)
