from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Child, RiskAssessment, RiskEvent, RiskLevel, RiskPolicy
from .risk import DIMENSIONS, SCORE_CHOICES, TRIGGERS, applicable_triggers, propose, trigger_label


class RiskAssessmentForm(forms.Form):
    """The six scores and the triggers the worker found; the proposal is computed from these answers
    alone, so an assessment works even where the record is still incomplete.

    Two steps without JavaScript: "propose" validates the answers and shows the proposal; "confirm"
    also needs the level the worker confirms (and a reason when it differs from the proposal).
    """

    occasion = forms.ChoiceField(label=_("Occasion"), choices=RiskAssessment.Occasion.choices)
    assessed_on = forms.DateField(label=_("Assessed on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    triggers = forms.MultipleChoiceField(label=_("Override triggers found"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirmed_level = forms.ChoiceField(label=_("Level you confirm"), required=False,
                                        choices=[("", "—"), *RiskLevel.choices], widget=forms.RadioSelect)
    reason_for_difference = forms.CharField(label=_("Why you differ from the proposal"), required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, child: Child, policy: RiskPolicy, findings: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child, self.policy, self.findings = child, policy, findings or {}
        self.confirming = self.data.get("step") == "confirm"
        self.proposal = None
        for dimension in DIMENSIONS:
            self.fields[f"score_{dimension.code}"] = forms.TypedChoiceField(
                label=dimension.label, help_text=dimension.help, choices=SCORE_CHOICES, coerce=int,
                widget=forms.RadioSelect, error_messages={"required": _("Score this dimension from 0 to 3.")})
        today = timezone.localdate()
        self.fields["triggers"].choices = [
            (t.code, trigger_label(t, policy)) for t in applicable_triggers(child, policy, today)]
        self.fields["occasion"].initial = (RiskAssessment.Occasion.PERIODIC if child.risk_assessments.exists()
                                           else RiskAssessment.Occasion.INTAKE)
        if RiskEvent.objects.filter(child=child, resolved_by__isnull=True).exists():
            self.fields["occasion"].initial = RiskAssessment.Occasion.EVENT
        self.fields["assessed_on"].initial = today
        self.fields["triggers"].initial = list(self.findings)

    def score_fields(self):
        return [self[f"score_{d.code}"] for d in DIMENSIONS]

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The assessment date cannot be in the future."))
        if day < self.child.birth_date:
            raise forms.ValidationError(_("The assessment date is before the child's birth date."))
        return day

    def clean(self):
        cleaned = super().clean()
        scores = {d.code: cleaned.get(f"score_{d.code}") for d in DIMENSIONS}
        if any(value is None for value in scores.values()) or not cleaned.get("assessed_on"):
            return cleaned
        self.proposal = propose(scores=scores, triggers=cleaned.get("triggers", []), policy=self.policy,
                                age=self.child.age_on(cleaned["assessed_on"]))
        cleaned["scores"] = scores
        if self.confirming:
            level = cleaned.get("confirmed_level")
            if not level:
                self.add_error("confirmed_level", _("Choose the level you confirm."))
            elif level != self.proposal.level and not cleaned.get("reason_for_difference", "").strip():
                self.add_error("reason_for_difference", _(
                    "The level you confirm differs from the proposed level: say why "
                    "(what you saw that the scores miss)."))
        return cleaned

    @property
    def fired_labels(self) -> list[str]:
        if not self.proposal:
            return []
        by_code = {t.code: t for t in TRIGGERS}
        return [trigger_label(by_code[code], self.policy) for code in self.proposal.fired]


class RiskEventForm(forms.ModelForm):
    class Meta:
        model = RiskEvent
        fields = ["kind", "occurred_on", "note"]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The event date cannot be in the future."))
        return day
