"""The evaluation's records in the admin (docs/evaluation.md, "Admin"): the team reads them there, scoped as on
the app's pages. Records are entered on the app's own pages (a survey with its answers, a new question-set
version, the supervisor's response), so most admins here are read-only; the lead edits the sampling targets
and the project's managers correct a partner. Nothing is deleted."""

from django.contrib import admin
from django.utils.translation import pgettext_lazy

from accounts.admin import CapabilityInlineMixin, KeptAsRecordedMixin, RoleAdminMixin, ScopedModelAdmin
from accounts.policy import Can

from .models import (
    MaterialHelp,
    Partner,
    PartnerFeedback,
    Question,
    QuestionSet,
    SamplingTarget,
    Screening,
    Survey,
    SurveyAnswer,
    WorkerFeedback,
)


class ReadOnlyInline(KeptAsRecordedMixin, CapabilityInlineMixin, admin.TabularInline):
    extra = 0


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = readonly_fields = ["order", "text"]


@admin.register(QuestionSet)
class QuestionSetAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Read-only: the lead's edit on the questions page makes the next version (answers keep theirs)."""

    change_capability = None
    add_capability = None
    list_display = ["version", "note", "created_by", "created_at"]
    list_select_related = ["created_by"]
    fields = readonly_fields = ["version", "note", "created_by", "created_at"]
    inlines = [QuestionInline]


@admin.register(SamplingTarget)
class SamplingTargetAdmin(RoleAdminMixin, admin.ModelAdmin):
    change_capability = Can.LEAD_PROJECT
    list_display = ["context", "percent", "updated_by", "updated_at"]
    list_select_related = ["updated_by"]
    fields = ["context", "percent"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer
    fields = readonly_fields = ["question", "score"]


@admin.register(Survey)
class SurveyAdmin(ScopedModelAdmin):
    """Client follow-up surveys, scoped to the children the user sees; filled on the app's survey page."""

    change_capability = None
    add_capability = None
    audit_action = "evaluation.survey_view_admin"
    list_display = ["done_on", "child", "context", "respondent", "method", "worker"]
    list_filter = ["context", "respondent", "method"]
    list_select_related = ["child", "worker"]
    date_hierarchy = "done_on"
    fields = readonly_fields = ["child", "context", "case", "activity", "visit", "question_set", "respondent",
                                "method", "done_on", "comment", "worker", "created_at"]
    inlines = [SurveyAnswerInline]


@admin.register(WorkerFeedback)
class WorkerFeedbackAdmin(ScopedModelAdmin):
    """Only those who answer the workers' feedback (the supervisor and the lead) open it here."""

    view_capability = Can.READ_WORKER_FEEDBACK
    change_capability = None
    add_capability = None
    list_display = ["month", "worker", "answered", "responded_by"]
    list_select_related = ["worker", "responded_by"]
    fields = readonly_fields = ["worker", "month", "workload", "difficulties", "training_needs", "suggestions",
                                "response", "responded_by", "responded_at", "created_at"]

    @admin.display(description=pgettext_lazy("worker feedback", "answered"), boolean=True)
    def answered(self, obj):
        return obj.responded_at is not None


class PartnerFeedbackInline(ReadOnlyInline):
    model = PartnerFeedback
    fields = readonly_fields = ["received_on", "channel", "given_by", "cooperation", "responsiveness", "effect",
                                "comments", "entered_by"]


@admin.register(Partner)
class PartnerAdmin(ScopedModelAdmin):
    """Partners: the project's managers correct a name, kind, county or contact here."""

    add_capability = None  # added on the app's page, by whoever works with them
    list_display = ["name", "kind", "county", "contact_person", "resource"]
    list_filter = ["kind", "county"]
    list_select_related = ["county", "resource"]
    search_fields = ["name", "contact_person"]
    raw_id_fields = ["county", "resource"]
    fields = ["name", "kind", "county", "resource", "contact_person", "phone"]
    inlines = [PartnerFeedbackInline]


@admin.register(PartnerFeedback)
class PartnerFeedbackAdmin(ScopedModelAdmin):
    change_capability = None
    add_capability = None
    list_display = ["received_on", "partner", "channel", "given_by", "cooperation", "responsiveness", "effect"]
    list_filter = ["channel", "partner__kind"]
    list_select_related = ["partner"]
    date_hierarchy = "received_on"
    fields = readonly_fields = ["partner", "received_on", "channel", "given_by", "cooperation", "responsiveness",
                                "effect", "comments", "entered_by", "created_at"]


@admin.register(Screening)
class ScreeningAdmin(ScopedModelAdmin):
    change_capability = None
    add_capability = None
    list_display = ["village", "started_on", "ended_on", "screened", "entered", "entered_by"]
    list_select_related = ["village", "entered_by"]
    date_hierarchy = "started_on"
    fields = readonly_fields = ["village", "started_on", "ended_on", "others", "screened", "entered",
                                "not_eligible", "already_registered", "moved_away", "declined", "other_reason",
                                "note", "entered_by", "created_at"]


@admin.register(MaterialHelp)
class MaterialHelpAdmin(ScopedModelAdmin):
    change_capability = None
    add_capability = None
    list_display = ["given_on", "child", "donor", "kind", "description", "value"]
    list_filter = ["kind"]
    list_select_related = ["child", "donor"]
    date_hierarchy = "given_on"
    fields = readonly_fields = ["child", "donor", "kind", "description", "value", "given_on", "recorded_by",
                                "created_at"]
