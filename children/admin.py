"""Admin for the supervisor and project lead: the registry through the same scoping as the views.

Nothing is deleted here: a child leaves the registry with a reason and date (Child.exit). The full ID
number is never shown in the admin; the 个人档案's audited reveal is the only place for it.

Risk grading (at the end): the supervisor reviews assessments (approve / return with a comment) through
the shared approval mechanism, and the project lead edits the risk policy.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import CapabilityInlineMixin, KeptAsRecordedMixin, PolicyAdminMixin, ScopedModelAdmin, staff_can
from accounts.fields import EncryptedTextField
from accounts.policy import Can
from accounts.services import approve, audit, pending_approval, return_for_revision
from divisions.models import Division

from . import idnumber
from .filters import search_kind
from .forms import ChildForm
from .models import (
    Benefit,
    BenefitEnrolment,
    Category,
    Child,
    ChildCategory,
    Contact,
    HouseholdMember,
    Parent,
    RiskAssessment,
    RiskEvent,
    RiskLevel,
    RiskPolicy,
)
from .risk import REVIEW_KIND, TRIGGERS, trigger_label
from .validators import check_id_matches, validate_phone


class ParentInline(CapabilityInlineMixin, admin.TabularInline):
    model = Parent
    extra = 0
    max_num = 2
    fields = ["kind", "name", "situation", "work_place", "away_since", "phone", "contact_frequency", "last_met_on"]


class HouseholdInline(CapabilityInlineMixin, admin.TabularInline):
    model = HouseholdMember
    extra = 0
    fields = ["name", "relation", "birth_year", "occupation", "note"]


class CategoryInline(CapabilityInlineMixin, admin.TabularInline):
    model = ChildCategory
    extra = 0
    fields = ["category", "recognised_on", "basis", "review_on", "evidence", "created_by"]
    readonly_fields = ["evidence", "created_by"]


class EnrolmentInline(CapabilityInlineMixin, admin.TabularInline):
    model = BenefitEnrolment
    extra = 0
    fields = ["benefit", "status", "applied_on", "started_on", "stopped_on", "amount", "checked_by", "checked_on"]
    readonly_fields = ["checked_by"]


class AssessmentInline(KeptAsRecordedMixin, CapabilityInlineMixin, admin.TabularInline):
    """Every assessment of the child, read-only."""

    model = RiskAssessment
    fields = ["assessed_on", "occasion", "total_score", "proposed_level", "confirmed_level", "assessed_by",
              "review_status", "next_reassessment_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True



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


class ChildChangeList(ChangeList):
    """The rows of the changelist without the encrypted columns it does not show: each is decrypted when a
    row is loaded, 100 rows × a dozen fields on every page (issue 17). Actions get whole rows."""

    def get_results(self, request):
        self.queryset = self.queryset.defer(*(
            f.name for f in Child._meta.concrete_fields if isinstance(f, EncryptedTextField) and f.name != "id_number"))
        super().get_results(request)


@admin.register(Child)
class ChildAdmin(ScopedModelAdmin):
    form = ChildAdminForm
    audit_action = "child.view_admin"
    list_display = ["name", "sex", "age", "masked_id_number", "residence", "risk_level", "status", "social_worker",
                    "last_verified_on"]
    # Every category as a choice: RelatedOnlyFieldListFilter found the ones in use with a DISTINCT over the
    # whole registry on each view of the changelist (issue 17).
    list_filter = ["status", "risk_level", CountyFilter, ("category_links__category", admin.RelatedFieldListFilter),
                   "school_stage", "economy", "legal_basis", "sex", "source"]
    list_select_related = ["residence", "social_worker"]
    list_per_page = 50  # as the registry's list; rendering 100 rows of 9 columns took ~0.3 s (issue 17)
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

    def get_changelist(self, request, **kwargs):
        return ChildChangeList

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return idnumber.mask(obj.id_number) or "—"

    @admin.display(description=_("age"), ordering="-birth_date")
    def age(self, obj):
        return obj.age

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if kind := search_kind(term):
            audit(user=request.user, action="child.search", request=request, kind=kind, q=term, via="admin")
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
        return staff_can(request, Can.MANAGE_PROJECT)

    def has_view_permission(self, request, obj=None):
        return staff_can(request, Can.MANAGE_PROJECT)

    def has_change_permission(self, request, obj=None):
        return staff_can(request, Can.LEAD_PROJECT)

    def has_add_permission(self, request):
        return staff_can(request, Can.LEAD_PROJECT)

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
        return staff_can(request, Can.MANAGE_PROJECT)

    def has_add_permission(self, request):
        return staff_can(request, Can.MANAGE_PROJECT)


# ---------------------------------------------------------------- risk grading

class LevelDiffersFilter(admin.SimpleListFilter):
    title = _("confirmed level differs from the proposal")
    parameter_name = "differs"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        from django.db.models import F

        if self.value() == "yes":
            return queryset.exclude(confirmed_level=F("proposed_level"))
        if self.value() == "no":
            return queryset.filter(confirmed_level=F("proposed_level"))
        return queryset


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What needs to change"), widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": _("Say what the worker should look at again.")})


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ScopedModelAdmin):
    list_display = ["child", "assessed_on", "occasion", "total_score", "proposed_level", "confirmed_level",
                    "level_differs", "assessed_by", "review_status", "reviewed_by"]
    list_filter = ["review_status", "confirmed_level", LevelDiffersFilter, "occasion", "assessed_on"]
    list_select_related = ["child", "assessed_by", "reviewed_by"]
    search_fields = ["child__name", "assessed_by__full_name", "assessed_by__username"]
    date_hierarchy = "assessed_on"
    actions = ["approve_reviews", "return_reviews"]
    readonly_fields = ["child", "occasion", "assessed_on", "score_family", "score_care", "score_schooling",
                       "score_health", "score_economy", "score_safety", "triggers", "total_score", "proposed_level",
                       "confirmed_level", "reason_for_difference", "notes", "next_reassessment_on", "assessed_by",
                       "created_at", "review_status", "reviewed_by", "reviewed_at", "review_comment"]

    @admin.display(boolean=True, description=_("differs"))
    def level_differs(self, obj):
        return obj.level_differs

    def has_add_permission(self, request):
        return False  # assessments are made on the child's page, where the proposal is computed

    def has_change_permission(self, request, obj=None):
        return False  # every assessment is kept as it was made; the review is an action

    def has_review_permission(self, request):
        return self._staff_can(request, Can.SUPERVISE)

    def _decide_each(self, request, queryset, decide) -> int:
        done = 0
        for assessment in queryset.filter(review_status=RiskAssessment.Review.PENDING):
            approval = pending_approval(assessment, REVIEW_KIND)
            if approval is None:
                continue
            try:
                decide(approval)
            except (PermissionDenied, ValidationError) as error:
                messages.warning(request, f"{assessment}: {' '.join(getattr(error, 'messages', [str(error)]))}")
                continue
            done += 1
        return done

    @admin.action(description=_("Approve the selected risk assessments"), permissions=["review"])
    def approve_reviews(self, request, queryset):
        done = self._decide_each(request, queryset, lambda a: approve(approval=a, by=request.user))
        self.message_user(request, ngettext("%(n)d assessment approved.", "%(n)d assessments approved.", done)
                          % {"n": done}, messages.SUCCESS if done else messages.WARNING)

    @admin.action(description=_("Return the selected risk assessments for revision"), permissions=["review"])
    def return_reviews(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            done = self._decide_each(request, queryset,
                                     lambda a: return_for_revision(approval=a, by=request.user, comment=comment))
            self.message_user(request, ngettext("%(n)d assessment returned.", "%(n)d assessments returned.", done)
                              % {"n": done}, messages.SUCCESS if done else messages.WARNING)
            return None
        return TemplateResponse(request, "children/risk_admin_return.html", {
            **self.admin_site.each_context(request), "title": _("Return for revision"), "form": form,
            "assessments": queryset.select_related("child"), "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(RiskEvent)
class RiskEventAdmin(ScopedModelAdmin):
    list_display = ["child", "kind", "occurred_on", "reassess_by", "recorded_by", "resolved_by"]
    list_filter = ["kind", "occurred_on"]
    list_select_related = ["child", "recorded_by", "resolved_by"]
    search_fields = ["child__name"]
    readonly_fields = ["child", "kind", "occurred_on", "note", "reassess_by", "recorded_by", "created_at",
                       "resolved_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- the policy

LEVEL_OR_OFF = [("", _("Off")), *RiskLevel.choices]


class _RiskPolicyFormBase(forms.ModelForm):
    class Meta:
        model = RiskPolicy
        fields = ["visit_days_high", "visit_days_medium_high", "visit_days_medium_low", "visit_days_low",
                  "call_days_high", "skip_weekends", "overdue_grace_days", "monthly_visit_target",
                  "score_medium_low", "score_medium_high", "score_high", "caregiver_old_age", "parents_not_met_months",
                  "reassess_months", "reassess_after_event_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = self.instance
        for trigger in TRIGGERS:
            field = self.fields[f"trigger_{trigger.code}"]
            field.label = trigger_label(trigger, policy)
            field.initial = policy.trigger_level(trigger.code)

    def clean(self):
        cleaned = super().clean()
        self.instance.trigger_levels = {t.code: cleaned.get(f"trigger_{t.code}", "") for t in TRIGGERS}
        return cleaned


# One select per override trigger instead of a raw JSON field; declared on the class so the admin's
# fieldsets can name them.
RiskPolicyForm = type("RiskPolicyForm", (_RiskPolicyFormBase,), {
    f"trigger_{t.code}": forms.ChoiceField(choices=LEVEL_OR_OFF, required=False) for t in TRIGGERS})


@admin.register(RiskPolicy)
class RiskPolicyAdmin(PolicyAdminMixin, admin.ModelAdmin):
    form = RiskPolicyForm
    readonly_fields = ["updated_at", "updated_by"]

    def get_fieldsets(self, request, obj=None):
        return [
            (_("Home visits"), {"fields": ["visit_days_high", "visit_days_medium_high", "visit_days_medium_low",
                                           "visit_days_low", "call_days_high", "skip_weekends",
                                           "overdue_grace_days", "monthly_visit_target"]}),
            (_("Risk grading"), {"fields": ["score_medium_low", "score_medium_high", "score_high",
                                            "caregiver_old_age", "parents_not_met_months"]}),
            (_("Override triggers"), {"fields": [f"trigger_{t.code}" for t in TRIGGERS]}),
            (_("Reassessment"), {"fields": ["reassess_months", "reassess_after_event_days"]}),
            (None, {"fields": ["updated_at", "updated_by"]}),
        ]
