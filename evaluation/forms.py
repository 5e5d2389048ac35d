from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.dates import local_today, not_in_future
from accounts.models import User
from accounts.policy import Can, roles_with
from cases.models import Resource
from children.models import Child
from divisions.forms import DivisionField
from divisions.models import Division

from .models import SCORES, MaterialHelp, Partner, PartnerFeedback, SamplingTarget, Screening, Survey, WorkerFeedback

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_IN_AREA = _("This child is not in your area or caseload: choose a child you work with.")
SCORE_ERRORS = {"required": _("Tap a score from 1 to 5 for this question."),
                "invalid_choice": _("Each answer is a score from 1 to 5.")}


class ScoreWidget(forms.widgets.ChoiceWidget):
    """Five big buttons in a row: one tap per item on a phone (templates/evaluation/widgets/score.html).
    Not a RadioSelect, so that crispy-forms leaves its rendering to the template."""

    input_type = "radio"
    template_name = "evaluation/widgets/score.html"


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, child):
        return f"{child.name}（{child.residence}）"


def drop_blank_choice(form, *names) -> None:
    """A radio list has no "---------" choice: the model fields have no default, so Django adds an empty one,
    which as a radio button is an answer nobody can mean (a required field refuses it anyway)."""
    for name in names:
        form.fields[name].choices = [(value, label) for value, label in form.fields[name].choices if value != ""]


class SurveyForm(forms.ModelForm):
    """The survey: one 1–5 item per question of the version asked, who answered, how, what they said.
    The child and the occasion's record come from the page's address (a closed case, an activity, a visit)."""

    class Meta:
        model = Survey
        fields = ["respondent", "method", "done_on", "comment"]
        widgets = {"respondent": forms.RadioSelect, "method": forms.RadioSelect, "done_on": DATE_WIDGET,
                   "comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, question_set, user, child_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_set = question_set
        self.questions = list(question_set.questions.all())
        if child_choices is not None:  # an activity: which attending child answered
            self.fields["child"] = ChildChoiceField(label=_("child"), queryset=child_choices,
                                                    error_messages={"invalid_choice": NOT_IN_AREA})
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text, choices=SCORES, coerce=int, widget=ScoreWidget, error_messages=SCORE_ERRORS)
        self.fields["done_on"].initial = local_today()
        self.fields["done_on"].required = False  # today, when left empty
        drop_blank_choice(self, "respondent", "method")

    def score_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def clean_done_on(self):
        return not_in_future(self.cleaned_data["done_on"] or local_today(),
                             _("The survey date cannot be in the future."))

    def scores(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}


class QuestionSetForm(forms.Form):
    questions = forms.CharField(label=_("questions, one per line"), widget=forms.Textarea(attrs={"rows": 8}),
                                help_text=_("Each line is one item scored 1–5. Saving makes a new version; surveys "
                                            "already answered keep the questions they were asked."))
    note = forms.CharField(label=_("what changed"), max_length=200, required=False)

    def texts(self) -> list[str]:
        return self.cleaned_data["questions"].splitlines()


class SamplingTargetForm(forms.ModelForm):
    class Meta:
        model = SamplingTarget
        fields = ["percent"]


class WorkerFeedbackForm(forms.ModelForm):
    month = forms.CharField(label=_("month"), widget=forms.DateInput(attrs={"type": "month"}),
                            help_text=_("The month reported on, e.g. 2026-11."))

    class Meta:
        model = WorkerFeedback
        fields = ["workload", "difficulties", "training_needs", "suggestions"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ["workload", "difficulties", "training_needs", "suggestions"]}

    field_order = ["month", "workload", "difficulties", "training_needs", "suggestions"]

    def __init__(self, *args, worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker
        if self.instance.pk:
            self.initial["month"] = f"{self.instance.month:%Y-%m}"
        else:
            self.initial["month"] = f"{local_today():%Y-%m}"

    def clean_month(self):
        import datetime

        try:
            month = datetime.datetime.strptime(self.cleaned_data["month"].strip()[:7], "%Y-%m").date()
        except ValueError:
            raise ValidationError(_("Give the month as year and month, e.g. 2026-11.")) from None
        if month > local_today():
            raise ValidationError(_("A month that has not begun cannot be reported on yet."))
        taken = WorkerFeedback.objects.filter(worker=self.worker, month=month).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("You already reported on this month: open that report and edit it."))
        return month

    def save(self, commit=True):
        self.instance.worker = self.worker
        self.instance.month = self.cleaned_data["month"]
        return super().save(commit)


class ResponseForm(forms.ModelForm):
    class Meta:
        model = WorkerFeedback
        fields = ["response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 4})}

    def clean_response(self):
        response = self.cleaned_data["response"].strip()
        if not response:
            raise ValidationError(_("Write the response to the social worker."))
        return response


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "county", "resource", "contact_person", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("May be left empty when it is linked to the resource directory: the "
                                          "directory's name is used.")
        self.fields["county"].queryset = Division.objects.counties()
        free = Resource.objects.filter(active=True, partner__isnull=True).select_related("type")
        if self.instance.resource_id:
            free = free | Resource.objects.filter(pk=self.instance.resource_id)
        self.fields["resource"].queryset = free.order_by("name")
        self.fields["resource"].help_text = _("If this partner is in the resource directory (资源库), pick it here "
                                              "rather than typing it again.")

    def clean(self):
        cleaned = super().clean()
        resource = cleaned.get("resource")
        if not cleaned.get("name") and resource:
            cleaned["name"] = resource.name
            self.instance.name = resource.name
        if not cleaned.get("name"):
            self.add_error("name", _("Give the partner's name, or pick it from the resource directory."))
        elif Partner.objects.filter(name=cleaned["name"], kind=cleaned.get("kind")).exclude(
                pk=self.instance.pk).exists():
            self.add_error("name", _("This partner is already recorded: open it from the list."))
        return cleaned


class PartnerFeedbackForm(forms.ModelForm):
    class Meta:
        model = PartnerFeedback
        fields = ["received_on", "channel", "given_by", "cooperation", "responsiveness", "effect", "comments"]
        widgets = {"received_on": DATE_WIDGET, "channel": forms.RadioSelect, "cooperation": ScoreWidget,
                   "responsiveness": ScoreWidget, "effect": ScoreWidget, "comments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partner = partner
        for name in PartnerFeedback.SCORE_FIELDS:
            self.fields[name].error_messages.update(SCORE_ERRORS)
            self.fields[name].choices = SCORES
        drop_blank_choice(self, "channel")

    def clean_received_on(self):
        return not_in_future(self.cleaned_data["received_on"], _("The date cannot be in the future."))

    def clean(self):
        cleaned = super().clean()
        if PartnerFeedback.objects.filter(partner=self.instance.partner, received_on=cleaned.get("received_on"),
                                          given_by=cleaned.get("given_by")).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This feedback is already recorded (same partner, date and person)."))
        return cleaned

    def validate_unique(self):
        """Checked in clean() with a message that says what is duplicated."""


class ScreeningForm(forms.ModelForm):
    village = DivisionField(label=_("village"))
    surveyors = forms.ModelMultipleChoiceField(label=_("social workers"), queryset=User.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Screening
        fields = ["village", "started_on", "ended_on", "surveyors", "others", "screened", "entered", "not_eligible",
                  "already_registered", "moved_away", "declined", "other_reason", "note"]
        widgets = {"started_on": DATE_WIDGET, "ended_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surveyors"].queryset = User.objects.filter(
            role__in=roles_with(Can.HAVE_CASELOAD), is_active=True).order_by("full_name", "username")

    def clean_village(self):
        village = self.cleaned_data["village"]
        if village.level != Division.Level.VILLAGE:
            raise ValidationError(_("Choose the village that was surveyed."))
        return village

    def clean_ended_on(self):
        return not_in_future(self.cleaned_data["ended_on"], _("A survey that has not ended cannot be recorded yet."))

    def clean(self):
        cleaned = super().clean()
        if Screening.objects.filter(village=cleaned.get("village"), started_on=cleaned.get("started_on")).exclude(
                pk=self.instance.pk).exists():
            raise ValidationError(_("This village's survey starting on that day is already recorded."))
        return cleaned

    def validate_unique(self):
        """Checked in clean() with a message that says what is duplicated."""


class MaterialHelpForm(forms.ModelForm):
    child = ChildChoiceField(label=_("child"), queryset=Child.objects.none(),
                             error_messages={"invalid_choice": NOT_IN_AREA})

    class Meta:
        model = MaterialHelp
        fields = ["child", "donor", "kind", "description", "value", "given_on"]
        widgets = {"given_on": DATE_WIDGET, "kind": forms.RadioSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = Child.objects.visible_to(user).in_registry().select_related(
            "residence").order_by("name", "id")
        self.fields["donor"].queryset = Partner.objects.visible_to(user).order_by("name")
        drop_blank_choice(self, "kind")

    def clean_given_on(self):
        return not_in_future(self.cleaned_data["given_on"], _("The date cannot be in the future."))

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value <= 0:
            raise ValidationError(_("Give the value in yuan, more than 0 (estimate it for items)."))
        return value

    def clean(self):
        cleaned = super().clean()
        if MaterialHelp.objects.filter(child=cleaned.get("child"), donor=cleaned.get("donor"),
                                       given_on=cleaned.get("given_on"),
                                       description=cleaned.get("description")).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This help is already recorded for this child (same donor, date and items)."))
        return cleaned

    def validate_unique(self):
        """Checked in clean() with a message that says what is duplicated."""
