"""The supervisor's desk: cases with pending approvals first, approve / return as actions, 督导记录."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.admin import KeptAsRecordedMixin, ScopedModelAdmin, approval_kind_label, register_approval_kind, staff_can
from accounts.models import Approval
from accounts.policy import Can, roles_with
from accounts.services import approve, pending_approval, return_for_revision

from .incidents import admin as incident_admin  # noqa: F401  discovery reports register their own admin
from .models import (
    CLOSURE_APPROVAL,
    PLAN_APPROVAL,
    Assessment,
    Case,
    CaseEvent,
    Closure,
    Evaluation,
    FollowUp,
    Referral,
    Resource,
    ResourceType,
    ServicePlan,
    ServiceRecord,
    ServiceType,
    SupervisionNote,
)

CASE_KINDS = [PLAN_APPROVAL, CLOSURE_APPROVAL]


def _pending_for_cases():
    return Approval.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), kind__in=CASE_KINDS, status=Approval.Status.PENDING,
        object_id=Cast(OuterRef("pk"), CharField()))


class PendingFilter(admin.SimpleListFilter):
    title = _("approval")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting for approval"))]

    def queryset(self, request, queryset):
        return queryset.filter(has_pending=True) if self.value() == "yes" else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Plan or follow-up overdue")), ("plan", _("Service plan overdue")),
                ("follow_up", _("Follow-up overdue"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        plan = Q(stage__in=Case.BEFORE_PLAN_STAGES, plan_due_on__lt=today)
        follow_up = Q(Exists(FollowUp.objects.overdue(today).filter(case=OuterRef("pk"))))
        return {"yes": queryset.filter(plan | follow_up), "plan": queryset.filter(plan),
                "follow_up": queryset.filter(follow_up)}.get(self.value(), queryset)


class AgeFilter(admin.SimpleListFilter):
    title = _("open for")
    parameter_name = "age"
    BANDS = {"30": (0, 30), "90": (31, 90), "180": (91, 180), "more": (181, None)}

    def lookups(self, request, model_admin):
        return [("30", _("up to 30 days")), ("90", _("31–90 days")), ("180", _("91–180 days")),
                ("more", _("more than 180 days"))]

    def queryset(self, request, queryset):
        if self.value() not in self.BANDS:
            return queryset
        low, high = self.BANDS[self.value()]
        today = timezone.localdate()
        queryset = queryset.filter(opened_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            queryset = queryset.filter(opened_on__gte=today - datetime.timedelta(days=high))
        return queryset


class WorkerFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return field.get_choices(include_blank=False, limit_choices_to={"role__in": roles_with(Can.HAVE_CASELOAD)})


class DecisionForm(forms.Form):
    """One confirmation of a decision, with the supervisor's comment (required for a return)."""

    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (RETURN, _("Return for revision"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change when returning a request."))
        return data


class ReadOnlyInline(KeptAsRecordedMixin, admin.TabularInline):
    """One stage of the case on its admin page, as recorded (changed only in the app)."""

    extra = 0
    can_delete = False
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related).prefetch_related(
            *self.prefetch_related)

    def has_view_permission(self, request, obj=None):
        return True


def _text(value):
    return mark_safe(linebreaks(value, autoescape=True)) if value else "—"  # escaped by linebreaks


class AssessmentInline(ReadOnlyInline):
    model = Assessment
    fields = readonly_fields = ["assessed_on", "needs_text", "strengths", "risks", "created_by"]
    select_related = ("created_by",)

    @admin.display(description=_("needs"))
    def needs_text(self, assessment):
        return _text("\n".join(f"{label}：{text}" for label, text in assessment.needs()))


class ServicePlanInline(ReadOnlyInline):
    model = ServicePlan
    fields = readonly_fields = ["summary", "goal_list", "service_list", "created_by", "updated_at"]
    select_related = ("created_by",)
    prefetch_related = ("goals", "services__service_type")

    @admin.display(description=_("goals"))
    def goal_list(self, plan):
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{}{}</li>", (
            (g.text, f"（{g.measure}）" if g.measure else "") for g in plan.goals.all()))) if plan.pk else "—"

    @admin.display(description=_("planned services"))
    def service_list(self, plan):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} {} — {}，{}–{}</li>", (
            (s.service_type, s.description, s.owner, s.starts_on, s.ends_on)
            for s in plan.services.all()))) if plan.pk else "—"


class ServiceRecordInline(ReadOnlyInline):
    model = ServiceRecord
    fields = readonly_fields = ["served_on", "service_type", "duration_minutes", "who", "content", "result",
                                "created_by"]
    select_related = ("service_type", "created_by")

    @admin.display(description=_("who took part"))
    def who(self, record):
        return record.participant_labels()


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = readonly_fields = ["evaluated_on", "goal_results_list", "summary", "created_by"]
    select_related = ("created_by",)
    prefetch_related = ("goal_results__goal",)

    @admin.display(description=_("goals"))
    def goal_results_list(self, evaluation):
        return format_html("<table>{}</table>", format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (r.goal.text, r.get_result_display(), r.comment) for r in evaluation.goal_results.all()))) \
            if evaluation.pk else "—"


class ClosureInline(ReadOnlyInline):
    model = Closure
    fields = readonly_fields = ["reason", "summary", "created_by", "created_at"]
    select_related = ("created_by",)


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = readonly_fields = ["months_after", "due_on", "done_on", "method", "situation", "needs_reopening",
                                "cancelled", "done_by"]
    select_related = ("done_by",)


class SupervisionNoteInline(admin.StackedInline):
    model = SupervisionNote
    fk_name = "case"
    fields = ["supervised_on", "text", "created_by"]
    readonly_fields = ["created_by"]
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def has_change_permission(self, request, obj=None):
        return False  # notes are kept as written; add a new one instead

    def has_add_permission(self, request, obj=None):
        return request.user.can(Can.SUPERVISE)

    def has_view_permission(self, request, obj=None):
        return True


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = readonly_fields = ["at", "kind", "from_stage", "to_stage", "decision", "by", "note"]
    select_related = ("by",)

    @admin.display(description=_("decision"))
    def decision(self, event):
        return event.approval_status_label


class ApprovalInline(ReadOnlyInline, GenericTabularInline):
    model = Approval
    ct_field, ct_fk_field = "content_type", "object_id"
    fields = readonly_fields = ["kind_label", "status", "requested_by", "requested_at", "decided_by",
                                "decided_at", "comment"]
    select_related = ("requested_by", "decided_by")
    verbose_name_plural = _("approvals")

    @admin.display(description=_("kind"))
    def kind_label(self, approval):
        return approval_kind_label(approval.kind)


register_approval_kind(PLAN_APPROVAL, _("Service plan"))
register_approval_kind(CLOSURE_APPROVAL, _("Closure"))


@admin.register(Case)
class CaseAdmin(ScopedModelAdmin):
    """The whole case on one page, stage by stage; a pending plan or closure is decided on its own
    page (decide_view), which shows what is approved and takes one comment and one confirmation."""

    audit_action = "case.view_admin"
    list_display = ["child", "worker", "stage", "risk", "opened_on", "days_open", "pending", "plan_due_on"]
    list_filter = [PendingFilter, OverdueFilter, "stage", ("worker", WorkerFilter), "child__risk_level", AgeFilter]
    list_select_related = ["child", "worker"]
    search_fields = ["child__name"]
    fields = ["decision", "child", "worker", "stage", "source", "source_note", "reason", "opened_on", "opened_by",
              "plan_due_on", "closed_on"]
    readonly_fields = ["decision", "child", "stage", "source", "source_note", "reason", "opened_on", "opened_by",
                       "plan_due_on", "closed_on"]
    inlines = [AssessmentInline, ServicePlanInline, ServiceRecordInline, EvaluationInline, ClosureInline,
               FollowUpInline, SupervisionNoteInline, CaseEventInline, ApprovalInline]
    actions = ["approve_pending", "return_pending"]

    def get_queryset(self, request):
        # The scoping of ScopedModelAdmin, with the annotations the ordering needs applied first.
        return (Case.objects.visible_to(request.user).select_related("child", "worker", "opened_by")
                .annotate(has_pending=Exists(_pending_for_cases()),
                          pending_kind=Subquery(_pending_for_cases().values("kind")[:1]))
                .order_by(*self.get_ordering(request)))

    def get_ordering(self, request):
        return ["-has_pending", "-opened_on", "-id"]  # pending approvals first

    def get_urls(self):
        return [path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view), name="cases_case_decide"),
                *super().get_urls()]

    def has_add_permission(self, request):
        return False  # cases open through intake

    def has_approve_permission(self, request):
        # The supervisor decides; the lead stands in for a request of the only supervisor (accounts.policy).
        return staff_can(request, Can.SUPERVISE) or staff_can(request, Can.LEAD_PROJECT)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "worker":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                role__in=roles_with(Can.HAVE_CASELOAD), is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            note.created_by = request.user
            note.save()
        formset.save_m2m()

    @admin.display(description=_("risk level"), ordering="child__risk_level")
    def risk(self, case):
        return case.child.get_risk_level_display()

    @admin.display(description=_("days open"), ordering="opened_on")
    def days_open(self, case):
        return (timezone.localdate() - case.opened_on).days

    @admin.display(description=_("waiting for approval"), ordering="has_pending")
    def pending(self, case):
        return approval_kind_label(case.pending_kind) if case.pending_kind else ""

    @admin.display(description=_("waiting for approval"))
    def decision(self, case):
        if not case.pending_kind:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>', reverse("admin:cases_case_decide", args=[case.pk]),
                           _("Read and approve or return: %(kind)s") % {"kind": approval_kind_label(case.pending_kind)})

    # ------------------------------------------------------------ deciding

    def _pending_of(self, request, cases):
        found = []
        for case in cases:
            approval = next((a for kind in CASE_KINDS if (a := pending_approval(case, kind))), None)
            if approval is None:
                self.message_user(request, _("%(case)s has nothing waiting for approval.") % {"case": case},
                                  messages.WARNING)
            else:
                plan = case.plan if approval.kind == PLAN_APPROVAL else None
                closure = case.closure if approval.kind == CLOSURE_APPROVAL else None
                # A closure's request note is its summary, which the page shows anyway: once is enough.
                note = approval.request_note.strip()
                if closure is not None and note == closure.summary.strip():
                    note = ""
                found.append({"case": case, "approval": approval, "kind": approval_kind_label(approval.kind),
                              "plan": plan, "closure": closure, "note": note})
        return found

    def _decide(self, request, items, form):
        decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"].strip()
        done = 0
        for item in items:
            try:
                if decision == DecisionForm.APPROVE:
                    approve(approval=item["approval"], by=request.user, comment=comment)
                else:
                    return_for_revision(approval=item["approval"], by=request.user, comment=comment)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{item['case']}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                  messages.ERROR)
        if done:
            text = _("%(n)s approved.") if decision == DecisionForm.APPROVE else _("%(n)s returned for revision.")
            self.message_user(request, text % {"n": done}, messages.SUCCESS)

    def _decision_page(self, request, items, form, *, action=None, decisions):
        return TemplateResponse(request, "admin/cases/decide.html", {
            **self.admin_site.each_context(request), "title": _("Approve or return"), "form": form,
            "items": items, "opts": self.model._meta, "action": action, "decisions": decisions,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME})

    def _action(self, request, queryset, decision):
        items = self._pending_of(request, queryset)
        if not items:
            return None
        form = DecisionForm(request.POST if "apply" in request.POST else None, initial={"decision": decision})
        if form.is_bound and form.is_valid():
            self._decide(request, items, form)
            return None
        return self._decision_page(request, items, form, action=f"{decision}_pending", decisions=[decision])

    @admin.action(description=_("Approve the plan or closure waiting for approval"), permissions=["approve"])
    def approve_pending(self, request, queryset):
        return self._action(request, queryset, DecisionForm.APPROVE)

    @admin.action(description=_("Return the plan or closure for revision (with a comment)"),
                  permissions=["approve"])
    def return_pending(self, request, queryset):
        return self._action(request, queryset, DecisionForm.RETURN)

    def decide_view(self, request, pk):
        """One case: what is waiting, the comment box and the two buttons."""
        if not self.has_approve_permission(request):
            raise PermissionDenied
        case = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:cases_case_change", args=[case.pk])
        items = self._pending_of(request, [case])
        if not items:
            return redirect(change_url)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._decide(request, items, form)
            return redirect(reverse("admin:cases_case_changelist") + "?pending=yes")
        return self._decision_page(request, items, form, decisions=[DecisionForm.APPROVE, DecisionForm.RETURN])


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(ScopedModelAdmin):
    list_display = ["supervised_on", "case", "worker", "created_by"]
    list_filter = [("worker", WorkerFilter), "supervised_on"]
    list_select_related = ["case__child", "worker", "created_by"]
    fields = ["case", "worker", "supervised_on", "text"]
    raw_id_fields = ["case"]
    add_capability = Can.SUPERVISE

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # kept as written

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "case":
            kwargs["queryset"] = Case.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FollowUp)
class FollowUpAdmin(ScopedModelAdmin):
    list_display = ["case", "months_after", "due_on", "done_on", "overdue", "needs_reopening"]
    list_filter = ["done_on", "needs_reopening", "cancelled"]
    list_select_related = ["case__child"]
    readonly_fields = [f.name for f in FollowUp._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, follow_up):
        return follow_up.is_overdue


class ReferenceAdmin(ScopedModelAdmin):
    """Reference lists hold no child data: the plain queryset; the lead and supervisor keep them."""

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request)


@admin.register(ServiceType)
class ServiceTypeAdmin(ReferenceAdmin):
    list_display = ["name", "code", "order", "with_family", "active"]
    list_editable = ["order", "active"]


@admin.register(ResourceType)
class ResourceTypeAdmin(ReferenceAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Resource)
class ResourceAdmin(ScopedModelAdmin):
    list_display = ["name", "type", "contact_person", "phone", "active"]
    list_filter = ["type", "active", "counties"]
    list_select_related = ["type"]
    search_fields = ["name", "services"]
    filter_horizontal = ["counties"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "counties":
            kwargs["queryset"] = db_field.remote_field.model.objects.counties()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Referral)
class ReferralAdmin(ScopedModelAdmin):
    list_display = ["case", "resource", "sent_on", "status", "status_changed_on"]
    list_filter = ["status", "resource__type"]
    list_select_related = ["case__child", "resource"]
    readonly_fields = [f.name for f in Referral._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
