import json

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Approval, AuditEntry, StaffProfile, StaffRecord, User
from .paging import page_keys
from .policy import Can, allows, works_in_admin_site

# What decides what a user may do and see: nobody changes these on their own account.
OWN_PROTECTED_FIELDS = ("role", "areas", "is_staff", "is_superuser", "is_active", "groups", "user_permissions")


class KeptAsRecordedMixin:
    """Admin pages and inlines of records that are kept as they were made: nothing is added,
    changed or deleted here (views grant viewing)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    filter_horizontal = ["areas"]
    inlines = [StaffProfileInline]
    # The project's access is the role and the areas (accounts.policy), not Django's groups and permissions, and
    # 姓名 is one field: those pickers and 名字/姓氏 made the page 3,300 px long and put 角色与区域 at its bottom.
    # The e-mail address stays: notifications can be sent to it (accounts.services.notify).
    fieldsets = (
        (None, {"fields": ["username", "password", "email"]}),
        (_("Role and area"), {"fields": ["full_name", "role", "areas", "phone"]}),
        (_("Status"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role and area"), {"fields": ["full_name", "role", "areas"]}),)

    def get_readonly_fields(self, request, obj=None):
        # Staff (may open the admin) follows the role (save_model): shown, not ticked by hand.
        return [*super().get_readonly_fields(request, obj), "is_staff"]

    def has_delete_permission(self, request, obj=None):
        """Accounts are deactivated (有效 unticked), never deleted: their records and audit entries name them."""
        return False

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if obj is None or obj.pk != request.user.pk:
            return form_class

        class OwnAccountForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if any(name in self.changed_data for name in OWN_PROTECTED_FIELDS):
                    raise ValidationError(_("Nobody may change their own role, area or permissions; ask another "
                                            "administrator."))
                return cleaned

        return OwnAccountForm

    def save_model(self, request, obj, form, change):
        # Staff (may open /admin/) follows the role: a supervisor created here could not open the admin before.
        if not change or "role" in form.changed_data:
            obj.is_staff = works_in_admin_site(obj.role)
        if change:
            before = User.objects.get(pk=obj.pk)
            obj._audit_before = {"role": before.role, "areas": sorted(before.areas.values_list("code", flat=True)),
                                 "is_staff": before.is_staff, "is_superuser": before.is_superuser,
                                 "is_active": before.is_active}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Role, area and access changes go into the audit chain (after the areas are saved)."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = {"role": user.role, "areas": sorted(user.areas.values_list("code", flat=True)),
                 "is_staff": user.is_staff, "is_superuser": user.is_superuser, "is_active": user.is_active}
        if not change:
            services.audit(user=request.user, action="user.created", target=user, request=request, **after)
            return
        before = getattr(user, "_audit_before", after)
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if changed:
            services.audit(user=request.user, action="user.access_changed", target=user, request=request, **changed)


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


class AuditActionFilter(admin.AllValuesFieldListFilter):
    """The action filter with a translated title (the model's fields have no verbose names: "以 action")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("operation")


@admin.register(AuditEntry)
class AuditEntryAdmin(KeptAsRecordedMixin, admin.ModelAdmin):
    """Who, when, what kind of thing: the target is shown as its kind and id, details hold hashed
    search terms, never a child's name or number (docs/privacy.md, "Audit log"). The columns and
    labels are displays with translated names (the model's fields have none, and giving them some
    would only change the labels here at the cost of a migration)."""

    list_display = ["when", "account", "operation", "target_kind", "record_id", "ip"]
    list_filter = [("action", AuditActionFilter)]
    search_fields = ["username", "action", "target_id"]
    fields = readonly_fields = ["when", "account_user", "account", "operation", "target_kind", "record_type", "record_id",
                                "details", "ip", "previous", "own_digest"]

    @admin.display(description=_("time"), ordering="created_at")
    def when(self, obj):
        # A string: the detail page shows a display's datetime as it is (UTC), the list localizes it.
        return formats.localize(timezone.localtime(obj.created_at))

    @admin.display(description=_("Username"), ordering="username")
    def account(self, obj):
        return obj.username

    @admin.display(description=_("user"))
    def account_user(self, obj):
        return obj.user or "—"

    @admin.display(description=_("operation"), ordering="action")
    def operation(self, obj):
        return obj.action

    @admin.display(description=_("kind of record"))
    def target_kind(self, obj):
        if not obj.target_type:
            return "—"
        try:
            return apps.get_model(obj.target_type)._meta.verbose_name
        except (LookupError, ValueError):
            return obj.target_type

    @admin.display(description=_("record type (code)"))
    def record_type(self, obj):
        return obj.target_type

    @admin.display(description=_("record number"), ordering="target_id")
    def record_id(self, obj):
        return obj.target_id

    @admin.display(description=_("details"))
    def details(self, obj):
        return json.dumps(obj.detail, ensure_ascii=False, sort_keys=True)

    @admin.display(description=_("IP address"))
    def ip(self, obj):
        return obj.ip_address or "—"

    @admin.display(description=_("previous entry's digest"))
    def previous(self, obj):
        return obj.previous_digest

    @admin.display(description=_("digest"))
    def own_digest(self, obj):
        return obj.digest

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


class CappedCountPaginator(Paginator):
    """Counts at most CAP + 1 rows (`SELECT COUNT(*) FROM (… LIMIT CAP + 1)`): the changelist of a
    city's registry never counts every row, and its pages stop at the cap (filter or search to go
    further)."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[:self.CAP + 1].count()

    def page(self, number):
        """The page's keys first (narrow rows: an index-only walk of the sort index past the OFFSET), then
        its 100 whole rows by key: OFFSET 9,900 on the whole rows read and threw away 9,900 wide rows
        (0.17 s at 100,000 children, issue 17)."""
        if not hasattr(self.object_list, "values_list"):
            return super().page(number)
        number, keys = page_keys(self, number)
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class ScopedModelAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Base for admins of child-related data: the same scoping queryset as the views, access by role.
    With `audit_action` set, opening a record's change page writes an audit entry (as the views do).
    No full COUNT on the changelist (show_full_result_count off, the page count capped)."""

    audit_action: str = ""
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.audit_action and request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_permission(request, obj):
                services.audit(user=request.user, action=self.audit_action, target=obj, request=request, via="admin")
        return super().change_view(request, object_id, form_url, extra_context)


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


# Second-factor devices hold their TOTP secrets: they are managed on the project's own pages (accounts/otp_views.py,
# the lead's reset, audited), never in the admin, where the administrator would see or copy a user's secret.
def _unregister_otp_devices():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_otp_devices()


@admin.register(StaffRecord)
class StaffRecordAdmin(RoleAdminMixin, admin.ModelAdmin):
    """The dated team history (docs/accounts.md, "Team history"): the lead records who joined, changed
    position or qualification, and left, on the day it took effect; the supervisor reads it. Kept, never
    deleted: a past report's staffing figures are computed from it."""

    change_capability = Can.LEAD_PROJECT
    list_display = ["effective", "user", "event", "position", "full_time", "certificate", "education", "note"]
    list_filter = ["event", "position", "full_time", "certificate"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name"]
    date_hierarchy = "effective"
    fields = ["user", "event", "effective", "position", "full_time", "education", "major_related", "certificate",
              "child_service_years", "difficulty_service_years", "note"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
