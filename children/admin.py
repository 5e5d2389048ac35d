"""Admin for the supervisor and project lead: the registry through the same scoping as the views.

Nothing is deleted here: a child leaves the registry with a reason and date (Child.exit). The full ID
number is never shown in the admin; the 个人档案's audited reveal is the only place for it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ScopedModelAdmin
from divisions.models import Division

from . import idnumber, risk_admin  # noqa: F401  risk_admin registers the risk admins
from .forms import ChildForm
from .models import Benefit, BenefitEnrolment, Category, Child, ChildCategory, Contact, HouseholdMember, Parent
from .risk_admin import RiskAssessmentInline
from .validators import check_id_matches, validate_phone

STAFF_ROLES = ("supervisor", "project_lead")


def _has_role(request, roles) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.role in roles


class RoleInlineMixin:
    """Inlines follow the parent admin's roles (not Django model permissions) and never delete children."""

    def has_view_permission(self, request, obj=None):
        return _has_role(request, STAFF_ROLES)

    def has_change_permission(self, request, obj=None):
        return _has_role(request, STAFF_ROLES)

    def has_add_permission(self, request, obj=None):
        return _has_role(request, STAFF_ROLES)

    def has_delete_permission(self, request, obj=None):
        return _has_role(request, STAFF_ROLES)


class ParentInline(RoleInlineMixin, admin.TabularInline):
    model = Parent
    extra = 0
    max_num = 2
    fields = ["kind", "name", "situation", "work_place", "away_since", "phone", "contact_frequency", "last_met_on"]


class HouseholdInline(RoleInlineMixin, admin.TabularInline):
    model = HouseholdMember
    extra = 0
    fields = ["name", "relation", "birth_year", "occupation", "note"]


class CategoryInline(RoleInlineMixin, admin.TabularInline):
    model = ChildCategory
    extra = 0
    fields = ["category", "recognised_on", "basis", "review_on", "evidence", "created_by"]
    readonly_fields = ["evidence", "created_by"]


class EnrolmentInline(RoleInlineMixin, admin.TabularInline):
    model = BenefitEnrolment
    extra = 0
    fields = ["benefit", "status", "applied_on", "started_on", "stopped_on", "amount", "checked_by", "checked_on"]
    readonly_fields = ["checked_by"]


class AssessmentInline(RoleInlineMixin, RiskAssessmentInline):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CountyFilter(admin.SimpleListFilter):
    title = _("County-level unit")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        return [(d.code, d.name) for d in Division.objects.counties()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(residence__code__startswith=self.value())
        return queryset


class ChildAdminForm(forms.ModelForm):
    caregiver_disqualifications = forms.MultipleChoiceField(
        label=_("caregiver disqualifications (art. 22)"), choices=Child.Disqualification.choices,
        widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Child
        # The full ID number never appears in the admin (see the module docstring).
        fields = [f for f in ChildForm.Meta.fields if f != "id_number"] + [
            "status", "exit_reason", "exited_on", "exit_note"]

    def clean(self):
        cleaned = super().clean()
        for name in ("guardian_phone", "caregiver_phone", "head_teacher_phone"):
            try:
                cleaned[name] = validate_phone(cleaned.get(name))
            except ValidationError as error:
                self.add_error(name, error)
        if self.instance.id_number:
            for name, error in check_id_matches(self.instance.id_number, birth_date=cleaned.get("birth_date"),
                                                sex=cleaned.get("sex")).items():
                self.add_error(name, error)
        return cleaned


@admin.register(Child)
class ChildAdmin(ScopedModelAdmin):
    form = ChildAdminForm
    list_display = ["name", "sex", "age", "masked_id_number", "residence", "risk_level", "status", "social_worker",
                    "last_verified_on"]
    list_filter = ["status", "risk_level", CountyFilter, ("category_links__category", admin.RelatedOnlyFieldListFilter),
                   "school_stage", "economy", "legal_basis", "sex", "source"]
    list_select_related = ["residence", "social_worker"]
    search_fields = ["name", "name_pinyin", "name_initials", "guardian_name", "caregiver_name", "school_name"]
    search_help_text = _("Name, pinyin or initials, guardian or caregiver; an exact ID number or phone also works.")
    readonly_fields = ["masked_id_number", "created_at", "created_by", "updated_at", "risk_level"]
    autocomplete_fields: list = []
    raw_id_fields = ["residence", "hukou"]
    inlines = [ParentInline, HouseholdInline, CategoryInline, EnrolmentInline, AssessmentInline]
    actions = ["mark_verified_today"]
    fieldsets = [
        (_("Identity"), {"fields": ["name", "sex", "birth_date", "ethnicity", "masked_id_number", "hukou_type",
                                    "hukou", "hukou_address", "residence", "address"]}),
        (_("Guardianship and care"), {"fields": [
            "guardian_name", "guardian_relation", "guardian_phone", "caregiver_name", "caregiver_relation",
            "caregiver_age", "caregiver_health", "caregiver_phone", "caregiver_disqualifications",
            "school_told_in_writing", "village_told_in_writing", "lives_alone"]}),
        (_("Schooling"), {"fields": ["school_stage", "school_name", "grade", "boarding", "head_teacher",
                                     "head_teacher_phone"]}),
        (_("Health"), {"fields": ["health", "health_note", "disability_type", "disability_grade",
                                  "disability_certificate", "serious_illness", "mental_health_conclusion",
                                  "receives_rehabilitation"]}),
        (_("Family economy"), {"fields": ["economy", "economy_note"]}),
        (_("People responsible"), {"fields": ["social_worker", "child_director", "child_supervisor",
                                              "village_contact", "risk_level"]}),
        (_("Ledger and legal basis"), {"fields": [
            "status", "exit_reason", "exited_on", "exit_note", "source", "last_verified_on", "created_at",
            "created_by", "updated_at", "legal_basis", "consent_by", "consent_date", "consent_version",
            "consent_form"]}),
    ]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return idnumber.mask(obj.id_number) or "—"

    @admin.display(description=_("age"), ordering="-birth_date")
    def age(self, obj):
        return obj.age

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if idnumber.is_valid(term):
            return queryset.with_id_number(term), False
        digits = "".join(ch for ch in term if ch.isdigit())
        if len(digits) >= 7 and len(digits) == len(term.replace("-", "").replace(" ", "")):
            return queryset.with_phone(term), False
        return super().get_search_results(request, queryset, search_term.lower() if term.isascii() else term)

    @admin.action(description=_("Mark as verified today"))
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        count = 0
        for child in queryset:
            child.last_verified_on = today
            child.save(update_fields=["last_verified_on", "updated_at"])
            count += 1
        self.message_user(request, ngettext("%(n)d child marked as verified today.",
                                            "%(n)d children marked as verified today.", count) % {"n": count},
                          messages.SUCCESS)


class ReferenceAdmin(admin.ModelAdmin):
    """Reference data the project lead keeps; the supervisor reads it. Never deleted (children refer to it)."""

    def has_module_permission(self, request):
        return _has_role(request, STAFF_ROLES)

    def has_view_permission(self, request, obj=None):
        return _has_role(request, STAFF_ROLES)

    def has_change_permission(self, request, obj=None):
        return _has_role(request, ("project_lead",))

    def has_add_permission(self, request):
        return _has_role(request, ("project_lead",))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ["name", "code", "max_age", "order"]
    readonly_fields = ["code"]


@admin.register(Benefit)
class BenefitAdmin(ReferenceAdmin):
    list_display = ["name", "department", "standard_amount", "amount_unit", "valid_from", "valid_to"]
    list_filter = ["department"]
    filter_horizontal = ["categories"]


@admin.register(Contact)
class ContactAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "division", "phone", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["division"]
    search_fields = ["name", "division__name"]
    raw_id_fields = ["division"]

    def has_change_permission(self, request, obj=None):
        return _has_role(request, STAFF_ROLES)

    def has_add_permission(self, request):
        return _has_role(request, STAFF_ROLES)
