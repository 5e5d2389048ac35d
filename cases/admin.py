"""The supervisor's desk: cases with pending approvals first, approve / return as actions, 督导记录."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedModelAdmin, staff_can
from accounts.models import Approval
from accounts.policy import Can, roles_with
from accounts.services import approval_history, approve, pending_approval, return_for_revision

from .incidents import admin as incident_admin  # noqa: F401  discovery reports register their own admin
from .models import (
    CLOSURE_APPROVAL,
    PLAN_APPROVAL,
    Case,
    CaseEvent,
    FollowUp,
    Referral,
    Resource,
    ResourceType,
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


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs to change"), widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": _("Say what needs to change when returning a request.")})


class SupervisionNoteInline(admin.StackedInline):
    model = SupervisionNote
    fk_name = "case"
    fields = ["supervised_on", "text", "created_by"]
    readonly_fields = ["created_by"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # notes are kept as written; add a new one instead

    def has_add_permission(self, request, obj=None):
        return request.user.can(Can.SUPERVISE)

    def has_view_permission(self, request, obj=None):
        return True


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "kind", "from_stage", "to_stage", "approval_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Case)
class CaseAdmin(ScopedModelAdmin):
    audit_action = "case.view_admin"
    list_display = ["child", "worker", "stage", "risk", "opened_on", "days_open", "pending", "plan_due_on"]
    list_filter = [PendingFilter, OverdueFilter, "stage", ("worker", WorkerFilter), "child__risk_level", AgeFilter]
    list_select_related = ["child", "worker"]
    search_fields = ["child__name"]
    fields = ["child", "worker", "stage", "source", "source_note", "reason", "opened_on", "opened_by",
              "plan_due_on", "closed_on", "plan_content", "closure_content", "approvals"]
    readonly_fields = ["child", "stage", "source", "source_note", "reason", "opened_on", "opened_by",
                       "plan_due_on", "closed_on", "plan_content", "closure_content", "approvals"]
    inlines = [SupervisionNoteInline, CaseEventInline]
    actions = ["approve_pending", "return_pending"]

    def get_queryset(self, request):
        # The scoping of ScopedModelAdmin, with the annotations the ordering needs applied first.
        return (Case.objects.visible_to(request.user)
                .annotate(has_pending=Exists(_pending_for_cases()),
                          pending_kind=Subquery(_pending_for_cases().values("kind")[:1]))
                .order_by(*self.get_ordering(request)))

    def get_ordering(self, request):
        return ["-has_pending", "-opened_on", "-id"]  # pending approvals first

    def has_add_permission(self, request):
        return False  # cases open through intake

    def has_approve_permission(self, request):
        return staff_can(request, Can.SUPERVISE)

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
        return {PLAN_APPROVAL: _("Service plan"), CLOSURE_APPROVAL: _("Closure")}.get(case.pending_kind, "")

    @admin.display(description=_("service plan"))
    def plan_content(self, case):
        """What the supervisor approves: the plan as it is now."""
        plan = case.plan
        return mark_safe(linebreaks(plan.as_text(), autoescape=True)) if plan else "—"  # escaped by linebreaks

    @admin.display(description=_("closure"))
    def closure_content(self, case):
        closure = case.closure
        if closure is None:
            return "—"
        text = f"{closure.get_reason_display()}\n{closure.summary}"
        return mark_safe(linebreaks(text, autoescape=True))  # escaped by linebreaks

    @admin.display(description=_("approval history"))
    def approvals(self, case):
        rows = approval_history(case).order_by("requested_at", "id")
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} · {} · {} {} → {} {} {}</li>",
            ((a.kind == PLAN_APPROVAL and _("Service plan") or _("Closure"), a.get_status_display(),
              a.requested_by, timezone.localtime(a.requested_at).strftime("%Y-%m-%d %H:%M"),
              a.decided_by or "", a.decided_at and timezone.localtime(a.decided_at).strftime("%Y-%m-%d %H:%M") or "",
              a.comment) for a in rows))) if rows else "—"

    def _pending_of(self, request, queryset):
        found = []
        for case in queryset:
            approval = next((a for kind in CASE_KINDS if (a := pending_approval(case, kind))), None)
            if approval is None:
                self.message_user(request, _("%(case)s has nothing waiting for approval.") % {"case": case},
                                  messages.WARNING)
            else:
                found.append((case, approval))
        return found

    @admin.action(description=_("Approve the plan or closure waiting for approval"), permissions=["approve"])
    def approve_pending(self, request, queryset):
        done = 0
        for case, approval in self._pending_of(request, queryset):
            try:
                approve(approval=approval, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{case}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                  messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s approved.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Return the plan or closure for revision (with a comment)"),
                  permissions=["approve"])
    def return_pending(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for case, approval in self._pending_of(request, queryset):
                try:
                    return_for_revision(approval=approval, by=request.user, comment=form.cleaned_data["comment"])
                    done += 1
                except (PermissionDenied, ValidationError) as exc:
                    self.message_user(request, f"{case}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                      messages.ERROR)
            if done:
                self.message_user(request, _("%(n)s returned for revision.") % {"n": done}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/cases/return_for_revision.html", {
            **self.admin_site.each_context(request), "title": _("Return for revision"), "form": form,
            "cases": queryset, "opts": self.model._meta, "action": "return_pending",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME})


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
