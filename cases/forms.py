from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import VersionedFormMixin
from children.models import Child
from children.widgets import ChildPicker
from divisions.models import Division

from .models import (
    Assessment,
    Case,
    CaseNote,
    Closure,
    Evaluation,
    FollowUp,
    GoalEvaluation,
    PlanGoal,
    PlannedService,
    Referral,
    Resource,
    ServicePlan,
    ServiceRecord,
    ServiceType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class IntakeForm(forms.ModelForm):
    """接案. The child list is what the user may see; a child with an open case is refused."""

    class Meta:
        model = Case
        fields = ["child", "source", "source_note", "reason", "opened_on"]
        widgets = {"opened_on": DATE, "source_note": TEXT, "reason": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = Child.objects.visible_to(user).in_registry()
        self.fields["child"].widget = ChildPicker()  # a search, never a <select> of every child
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = _("Say why the case is opened.")

    def clean_child(self):
        child = self.cleaned_data["child"]
        if Case.objects.filter(child=child).open().exists():
            raise forms.ValidationError(_("This child already has an open case: record in that case instead."))
        return child


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessed_on", *Assessment.NEED_FIELDS, "strengths", "risks"]
        widgets = {"assessed_on": DATE, **{f: TEXT for f in [*Assessment.NEED_FIELDS, "strengths", "risks"]}}


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ServicePlan
        fields = ["summary"]
        widgets = {"summary": TEXT}


class GoalFormSetBase(forms.BaseInlineFormSet):
    """As many goals as the plan needs (rows are added and removed in the page, static/js/formsets.js).
    A goal already evaluated stays: its rating points at it (the approved text is also kept with the
    approval request, CaseEvent.snapshot)."""

    def clean(self):
        super().clean()
        removed = [form.instance.pk for form in self.deleted_forms if form.instance.pk]
        if removed and GoalEvaluation.objects.filter(goal__in=removed).exists():
            raise forms.ValidationError(_("A goal that has already been evaluated cannot be removed; "
                                          "reword it instead."))


GoalFormSet = inlineformset_factory(ServicePlan, PlanGoal, formset=GoalFormSetBase, fields=["text", "measure"],
                                    extra=2, can_delete=True)


class PlannedServiceForm(forms.ModelForm):
    class Meta:
        model = PlannedService
        fields = ["service_type", "description", "owner", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True)


PlannedServiceFormSet = inlineformset_factory(ServicePlan, PlannedService, form=PlannedServiceForm, extra=2,
                                              can_delete=True)


class SubmitPlanForm(forms.Form):
    note = forms.CharField(label=_("Note for the supervisor"), required=False, widget=TEXT)


class ServiceRecordForm(forms.ModelForm):
    participants = forms.MultipleChoiceField(label=_("who took part"), choices=ServiceRecord.Participant.choices,
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": _("Tick who took part.")})

    class Meta:
        model = ServiceRecord
        fields = ["service_type", "served_on", "duration_minutes", "participants", "participant_names", "content",
                  "result"]
        widgets = {"served_on": DATE, "content": TEXT, "result": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True)


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["resource", "sent_on", "need"]
        widgets = {"sent_on": DATE, "need": TEXT}

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        county = case.child.residence_id[:6]
        self.fields["resource"].queryset = Resource.objects.filter(active=True).covering(county).select_related("type")
        self.fields["resource"].help_text = _("Resources that cover the child's county.")


class ReferralUpdateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["status", "outcome"]
        widgets = {"outcome": TEXT}


class EvaluationForm(forms.ModelForm):
    """评估, one result and comment per goal of the approved plan."""

    class Meta:
        model = Evaluation
        fields = ["evaluated_on", "summary"]
        widgets = {"evaluated_on": DATE, "summary": TEXT}

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"result_{goal.pk}"] = forms.ChoiceField(
                label=goal.text, choices=GoalEvaluation.Result.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Choose how far this goal was achieved.")})
            self.fields[f"comment_{goal.pk}"] = forms.CharField(label=pgettext_lazy("goal result", "comment"), required=False,
                                                                widget=forms.Textarea(attrs={"rows": 2}))

    def goal_results(self) -> dict:
        return {g.pk: (self.cleaned_data[f"result_{g.pk}"], self.cleaned_data[f"comment_{g.pk}"]) for g in self.goals}


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["reason", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["done_on", "method", "situation", "needs_reopening"]
        widgets = {"done_on": DATE, "situation": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("done_on", "method", "situation"):
            self.fields[name].required = True


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is reopened"), widget=TEXT,
                             error_messages={"required": _("Say why the case is reopened.")})


class ResourceForm(VersionedFormMixin, forms.ModelForm):
    counties = forms.ModelMultipleChoiceField(label=_("counties covered"), queryset=Division.objects.counties(),
                                              widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": _("Tick the counties this resource serves.")})

    class Meta:
        model = Resource
        fields = ["name", "type", "counties", "services", "contact_person", "phone", "address", "active"]
        widgets = {"services": TEXT}
