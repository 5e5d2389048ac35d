from django.contrib import admin

from accounts.admin import RoleAdminMixin, ScopedModelAdmin
from accounts.policy import Can, allows

from .models import Activity, Article, ContractYear, Target
from .services import add_contract_targets


class RoleAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Project settings: the lead edits, the supervisor reads; nothing is deleted."""

    change_capability = Can.LEAD_PROJECT


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0

    def has_add_permission(self, request, obj=None):
        return allows(request.user, Can.LEAD_PROJECT)

    has_change_permission = has_add_permission

    def has_delete_permission(self, request, obj=None):
        return allows(request.user, Can.LEAD_PROJECT)


@admin.register(ContractYear)
class ContractYearAdmin(RoleAdmin):
    list_display = ["name", "signed_on", "ends_on", "contract_month_reports"]
    readonly_fields = ["created_at"]
    inlines = [TargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.targets.exists():
            add_contract_targets(year=form.instance)


@admin.register(Activity)
class ActivityAdmin(ScopedModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "county", "organiser"]
    list_filter = ["kind", "status", "county"]
    list_select_related = ["county", "organiser"]
    search_fields = ["title"]
    raw_id_fields = ["place", "organiser", "created_by"]
    filter_horizontal = []
    exclude = ["registered_children"]  # attendance is edited in the app, where it is scoped to the editor
    change_capability = None


@admin.register(Article)
class ArticleAdmin(ScopedModelAdmin):
    list_display = ["title", "kind", "status", "author", "approved_at", "published_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["author"]
    search_fields = ["title"]
    change_capability = None
