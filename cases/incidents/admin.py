# Admin of discovery reports (发现报告) for the supervisor and the project lead.
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import PolicyAdminMixin, ScopedModelAdmin
from accounts.services import audit

from ..models import Incident, IncidentMeasure, IncidentNotice, IncidentPolicy


class IncidentNoticeInline(admin.TabularInline):
    model = IncidentNotice
    extra = 0
    can_delete = False
    fields = ["recipient", "need", "notified_at", "channel", "receiver", "receipt_number", "logged_by",
              "feedback_at", "feedback", "alerted_at", "feedback_reminded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class IncidentMeasureInline(admin.TabularInline):
    model = IncidentMeasure
    extra = 0
    can_delete = False
    fields = ["kind", "taken_at", "note", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ScopedModelAdmin):
    """Read-only here: reports are filed and logged on their own pages, where the rules are checked."""

    list_display = ["__str__", "reported_at", "status", "immediate_danger", "place", "risk_decision"]
    list_filter = ["status", "immediate_danger", "risk_decision"]
    list_select_related = ["child", "place"]
    date_hierarchy = "reported_at"
    inlines = [IncidentNoticeInline, IncidentMeasureInline]
    readonly_fields = ["situations", "immediate_danger", "child", "child_description", "discovered_at", "place",
                       "place_detail", "description", "reporter_kind", "reporter_name", "reporter_phone",
                       "reported_by", "reported_at", "visit_id", "status", "handled_at", "risk_decision",
                       "risk_confirmed_by", "risk_confirmed_at", "case"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

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

