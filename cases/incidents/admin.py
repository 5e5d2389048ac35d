# Admin of discovery reports (发现报告) for the supervisor and the project lead.
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import PolicyAdminMixin, ScopedModelAdmin
from accounts.services import audit

from ..models import Incident, IncidentMeasure, IncidentNotice, IncidentPolicy, Recipient


class ReadOnlyInline(admin.TabularInline):
    """Shown to whoever may open the report (the parent admin checks); changed only on the report's pages."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IncidentNoticeInline(ReadOnlyInline):
    model = IncidentNotice
    verbose_name_plural = _("notices")
    extra = 0
    can_delete = False
    fields = ["recipient", "need", "notified_at", "channel", "receiver", "receipt_number", "logged_by",
              "alerted_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("logged_by")

    def has_add_permission(self, request, obj=None):
        return False


class PoliceFeedbackInline(IncidentNoticeInline):
    """The police's answer to the report (反馈), apart from the list of who was told."""

    verbose_name = verbose_name_plural = _("police feedback")
    fields = readonly_fields = ["receiver", "receipt_number", "feedback_at", "feedback", "feedback_reminded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=Recipient.POLICE)


class IncidentMeasureInline(ReadOnlyInline):
    model = IncidentMeasure
    extra = 0
    can_delete = False
    fields = ["kind", "taken_at", "note", "recorded_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ScopedModelAdmin):
    """Read-only here: reports are filed and logged on their own pages, where the rules are checked."""

    list_display = ["__str__", "situation_names", "reported_at", "status", "immediate_danger", "place",
                    "risk_decision"]
    list_filter = ["status", "immediate_danger", "risk_decision"]
    list_select_related = ["child", "place"]
    date_hierarchy = "reported_at"
    inlines = [IncidentNoticeInline, PoliceFeedbackInline, IncidentMeasureInline]
    readonly_fields = ["situation_names", "immediate_danger", "child", "child_description", "discovered_at", "place",
                       "place_detail", "description", "reporter_kind", "reporter_name", "reporter_phone",
                       "reported_by", "reported_at", "visit", "status", "handled_at", "risk_decision",
                       "risk_confirmed_by", "risk_confirmed_at", "case"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("situations"))
    def situation_names(self, incident):
        return "、".join(str(label) for label in incident.situation_labels())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        incident = self.get_queryset(request).filter(pk=object_id).first()
        if incident is not None and response.status_code == 200:
            audit(user=request.user, action="incident.view", target=incident, request=request, via="admin",
                  reporter_shown=True)
        return response


@admin.register(IncidentPolicy)
class IncidentPolicyAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    """The lead changes the deadlines; the supervisor reads them; every change is kept in the history."""

    fields = ["police_alert_minutes", "other_alert_hours", "police_feedback_days", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

