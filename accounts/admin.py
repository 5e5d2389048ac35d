from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .models import Approval, AuditEntry, StaffProfile, User
from .policy import Can, allows


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    filter_horizontal = ["areas", "groups", "user_permissions"]
    inlines = [StaffProfileInline]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Role and area"), {"fields": ["full_name", "role", "areas", "phone"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and area"), {"fields": ["full_name", "role"]}),)


# What each approval kind is called, filled by the apps that request approvals (their admin modules).
APPROVAL_KINDS: dict[str, str] = {}


def register_approval_kind(kind: str, label) -> None:
    APPROVAL_KINDS[kind] = label


def approval_kind_label(kind: str) -> str:
    return APPROVAL_KINDS.get(kind, kind)


class ApprovalKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(APPROVAL_KINDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    """The approval history across the project, read-only. Decisions are taken on the records'
    own admin pages (cases) or views (articles). The target is named by type and id, not its
    text, which could name a child to someone who may not see children."""

    list_display = ["kind_label", "target_label", "status", "requested_by", "requested_at", "decided_by",
                    "decided_at", "comment"]
    list_filter = ["status", ApprovalKindFilter]
    list_select_related = ["requested_by", "decided_by", "content_type"]
    fields = readonly_fields = ["kind_label", "target_label", "status", "requested_by", "requested_at",
                                "request_note", "decided_by", "decided_at", "comment"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, approval):
        return approval_kind_label(approval.kind)

    @admin.display(description=_("about"))
    def target_label(self, approval):
        # The record's type and number, not its text (which could name a child).
        return f"{approval.content_type.model_class()._meta.verbose_name} #{approval.object_id}"

    def _may_view(self, request) -> bool:
        return allows(request.user, Can.MANAGE_PROJECT)

    def has_module_permission(self, request):
        return self._may_view(request)

    def has_view_permission(self, request, obj=None):
        return self._may_view(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "username", "action", "target_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "target_repr", "target_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return allows(request.user, Can.READ_AUDIT_LOG)


SAME_AS_CHANGE = "same as change"


def staff_can(request, capability) -> bool:
    """The admin's one access rule: a staff account whose role carries the capability."""
    return capability is not None and request.user.is_staff and allows(request.user, capability)


class CapabilityInlineMixin:
    """Inlines follow the capability that manages the project (not Django model permissions)."""

    inline_capability: Can = Can.MANAGE_PROJECT

    def has_view_permission(self, request, obj=None):
        return staff_can(request, self.inline_capability)

    def has_change_permission(self, request, obj=None):
        return staff_can(request, self.inline_capability)

    def has_add_permission(self, request, obj=None):
        return staff_can(request, self.inline_capability)

    def has_delete_permission(self, request, obj=None):
        return staff_can(request, self.inline_capability)


class RoleAdminMixin:
    """Admin access by capability (accounts.policy): who may open, change and add; nothing is ever
    deleted here. `add_capability = None` lets nobody add."""

    view_capability: Can = Can.MANAGE_PROJECT
    change_capability: Can | None = Can.MANAGE_PROJECT
    add_capability: Can | None | str = SAME_AS_CHANGE

    def _staff_can(self, request, capability) -> bool:
        return staff_can(request, capability)

    def has_module_permission(self, request):
        return self._staff_can(request, self.view_capability)

    def has_view_permission(self, request, obj=None):
        return self._staff_can(request, self.view_capability)

    def has_change_permission(self, request, obj=None):
        return self._staff_can(request, self.change_capability)

    def has_add_permission(self, request, obj=None):
        add = self.change_capability if self.add_capability == SAME_AS_CHANGE else self.add_capability
        return self._staff_can(request, add)

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedModelAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Base for admins of child-related data: the same scoping queryset as the views, access by role."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class PolicyAdminMixin(RoleAdminMixin):
    """Admin of a one-row policy (`Model.current()`): the project lead edits it, the supervisor
    reads it, nobody adds or deletes one; the list goes straight to the row."""

    change_capability = Can.LEAD_PROJECT
    add_capability = None

    def changelist_view(self, request, extra_context=None):
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", self.model.current().pk)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
