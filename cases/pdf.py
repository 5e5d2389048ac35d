"""The complete case archive (个案帮扶的完整记录) as one Chinese PDF: every step in time order, with who and when."""

import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Approval
from accounts.services import approval_history

from .models import PLAN_APPROVAL, Case, CaseEvent, GoalEvaluation, PlannedService, SupervisionNote


@dataclass
class Entry:
    when: datetime.datetime
    who: object
    kind: str
    title: str = ""
    lines: list = field(default_factory=list)  # (label, text)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def case_entries(case: Case) -> list[Entry]:
    """Every recorded step of the case, oldest first."""
    entries: list[Entry] = []
    for event in case.events.select_related("by"):
        if event.kind == CaseEvent.Kind.OPENED:
            entries.append(Entry(event.at, event.by, _("Intake"), case.get_source_display(), [
                (_("how the case came in"), case.source_note), (_("presenting problem"), case.reason)]))
        elif event.kind in (CaseEvent.Kind.STAGE, CaseEvent.Kind.REOPENED):
            entries.append(Entry(event.at, event.by, event.get_kind_display(), str(event),
                                 [(_("note"), event.note)]))
    for a in case.assessments.select_related("created_by"):
        entries.append(Entry(a.created_at, a.created_by, _("Assessment"), str(a), [
            *a.needs(), (_("strengths"), a.strengths), (_("risks"), a.risks)]))
    for plan in case.plans.select_related("created_by", "updated_by").prefetch_related("goals"):
        services = PlannedService.objects.filter(plan=plan).select_related("service_type")
        entries.append(Entry(plan.updated_at, plan.updated_by or plan.created_by, _("Service plan"), str(plan), [
            (_("plan summary"), plan.summary),
            *[(_("goal") + f" {n}", f"{g.text}（{g.measure}）" if g.measure else g.text)
              for n, g in enumerate(plan.goals.all(), start=1)],
            *[(_("planned service"), f"{s.service_type} {s.description} — {s.owner}，"
                                     f"{s.starts_on:%Y-%m-%d}–{s.ends_on:%Y-%m-%d}") for s in services]]))
    for approval in approval_history(case):
        what = _("Service plan") if approval.kind == PLAN_APPROVAL else _("Closure")
        entries.append(Entry(approval.requested_at, approval.requested_by, _("Submitted for approval"), str(what),
                             [(_("note"), approval.request_note)]))
        if approval.status != Approval.Status.PENDING:
            entries.append(Entry(approval.decided_at, approval.decided_by, approval.get_status_display(), str(what),
                                 [(_("comment"), approval.comment)]))
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
        results = GoalEvaluation.objects.filter(evaluation=ev).select_related("goal")
        entries.append(Entry(ev.created_at, ev.created_by, _("Evaluation"), str(ev), [
            *[(g.goal.text, f"{g.get_result_display()} {g.comment}".strip()) for g in results],
            (_("overall evaluation"), ev.summary)]))
    for c in case.closures.select_related("created_by"):
        entries.append(Entry(c.created_at, c.created_by, _("Closure"), c.get_reason_display(),
                             [(_("closure summary"), c.summary)]))
    for f in case.follow_ups.select_related("done_by"):
        if f.done_on:
            entries.append(Entry(f.recorded_at or _at(f.done_on), f.done_by, _("Follow-up"), str(f), [
                (_("done on"), f"{f.done_on:%Y-%m-%d}"), (_("method"), f.get_method_display()),
                (_("child's situation"), f.situation)]))
    for s in SupervisionNote.objects.filter(case=case).select_related("created_by"):
        entries.append(Entry(s.created_at, s.created_by, _("Supervision note"), f"{s.supervised_on:%Y-%m-%d}",
                             [("", s.text)]))
    for e in entries:
        e.lines = [(label, text) for label, text in e.lines if text]
    return sorted(entries, key=lambda e: e.when)


def render_case_pdf(case: Case, user) -> bytes:
    from weasyprint import HTML

    pending_follow_ups = case.follow_ups.filter(done_on__isnull=True, cancelled=False)
    html = render_to_string("cases/archive_pdf.html", {
        "case": case, "entries": case_entries(case), "pending_follow_ups": pending_follow_ups,
        "printed_at": timezone.localtime(), "printed_by": user})
    return HTML(string=html).write_pdf()
