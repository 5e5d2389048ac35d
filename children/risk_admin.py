"""Admin for risk grading: the supervisor reviews assessments (approve / return with a comment) through
the shared approval mechanism, and the project lead edits the risk policy. Imported by children/admin.py."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import PolicyAdminMixin, ScopedModelAdmin
from accounts.models import Role
from accounts.services import approve, pending_approval, return_for_revision

from .models import RiskAssessment, RiskEvent, RiskLevel, RiskPolicy
from .risk import REVIEW_KIND, TRIGGERS, trigger_label


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
        return self._role_in(request, (Role.SUPERVISOR,))

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


class RiskAssessmentInline(admin.TabularInline):
    """For the child's admin page: every assessment, read-only."""

    model = RiskAssessment
    fields = ["assessed_on", "occasion", "total_score", "proposed_level", "confirmed_level", "assessed_by",
              "review_status", "next_reassessment_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
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

