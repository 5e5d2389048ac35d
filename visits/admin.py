from django.contrib import admin

from accounts.admin import ScopedModelAdmin

from .models import FamilyCall, FollowUpContact, Visit, VisitPhoto


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    fields = ["image", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ScopedModelAdmin):
    audit_action = "visit.view_admin"
    list_display = ["child", "type", "visited_on", "child_seen", "recorded_by", "risk_level"]
    list_filter = ["type", "child_seen", "risk_level", "visited_on"]
    list_select_related = ["child", "recorded_by"]
    search_fields = ["child__name"]
    date_hierarchy = "visited_on"
    raw_id_fields = ["child"]
    readonly_fields = ["recorded_by", "updated_by", "risk_level", "version", "checkin_latitude",
                       "checkin_longitude", "checkin_accuracy_m", "checkin_at", "created_at"]
    inlines = [VisitPhotoInline]
    change_capability = None  # the supervisor reviews here; changes go through the form with its version check


@admin.register(FamilyCall)
class FamilyCallAdmin(ScopedModelAdmin):
    list_display = ["child", "held_on", "mode", "participants", "duration_minutes", "arranged_by"]
    list_filter = ["mode", "held_on"]
    list_select_related = ["child", "arranged_by"]
    search_fields = ["child__name"]
    raw_id_fields = ["child", "visit"]
    change_capability = None


@admin.register(FollowUpContact)
class FollowUpContactAdmin(ScopedModelAdmin):
    list_display = ["division", "contacted_on", "contact_name", "contact_role", "fed_back", "recorded_by"]
    list_filter = ["fed_back", "method", "contacted_on"]
    list_select_related = ["division", "recorded_by"]
    raw_id_fields = ["children"]
    change_capability = None
