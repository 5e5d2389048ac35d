from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import not_in_future
from accounts.forms import SubmissionTokenMixin
from children.models import Child
from divisions.forms import DivisionField
from visits.models import Visit

from ..models import Incident, IncidentMeasure, IncidentNotice, Situation
from ..models.incident import CONTRACT_SITUATIONS, FUTURE_TOLERANCE

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """The phone's own date-and-time picker."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


def _not_future(value):
    """A few minutes of clock drift between a phone and the server are tolerated (FUTURE_TOLERANCE)."""
    if value:
        not_in_future(value - FUTURE_TOLERANCE, _("This time is in the future: enter the time it happened."))
    return value


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.residence.name}）"


class IncidentForm(SubmissionTokenMixin, forms.Form):
    situations = forms.MultipleChoiceField(
        label=_("What is happening (tick all that apply)"), choices=Situation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one situation."),
                        "invalid_choice": _("Choose situations from the list.")})
    immediate_danger = forms.BooleanField(label=_("The child is in danger right now"), required=False)
    child = ChildChoiceField(label=_("Child in the registry"), queryset=Child.objects.none(), required=False,
                             empty_label=_("— not in the registry / not known —"),
                             error_messages={"invalid_choice": _("Choose a child from the list.")})
    child_description = forms.CharField(
        label=_("Or describe the child"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Name if known, sex, about how old, where the child lives."))
    discovered_at = forms.DateTimeField(label=_("When was it seen"), widget=LocalDateTimeInput(),
                                        error_messages={"required": _("Enter when the situation was seen."),
                                                        "invalid": _("Enter a date and time, e.g. 2026-11-29 14:30.")})
    place = DivisionField(label=_("Where"), required=False,
                          help_text=_("Leave empty to use the child's home village."))
    place_detail = forms.CharField(label=_("Exact place"), required=False, max_length=200,
                                   widget=forms.TextInput(attrs={"placeholder": _("e.g. the house by the bridge")}))
    description = forms.CharField(label=_("What was seen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": _("Write in a few words what was seen.")})
    reporter_kind = forms.ChoiceField(label=_("Who reports"), choices=Incident.ReporterKind.choices,
                                      initial=Incident.ReporterKind.SELF)
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=64,
                                    help_text=_("Only the supervisor, the project lead and the bureau see who reported."))
    reporter_phone = forms.CharField(label=_("Reporter's phone"), required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))
    visit_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    # Up to this many children the picker lists them all; beyond it, it lists the chosen one and the
    # worker searches by name (a county's registry in one <select> is too long for a phone).
    FULL_LIST_LIMIT = 200

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        children = Child.objects.visible_to(user).in_registry().select_related("residence").order_by("name", "id")
        self.fields["child"].queryset = children
        self.searchable = children.count() > self.FULL_LIST_LIMIT
        if self.searchable:
            chosen = self.data.get("child") if self.is_bound else self.initial.get("child")
            field = self.fields["child"]
            field.widget.choices = [("", field.empty_label)] + [
                (c.pk, field.label_from_instance(c)) for c in children.filter(pk=chosen if str(chosen).isdigit() else 0)]
        self.fields["discovered_at"].initial = _now_minute
        self.fields["description"].widget.attrs["placeholder"] = _("Who, what, injuries seen, who is with the child now")

    contract_count = len(CONTRACT_SITUATIONS)

    def clean_discovered_at(self):
        return _not_future(self.cleaned_data["discovered_at"])

    def clean(self):
        data = super().clean()
        child = data.get("child")
        if not child and not data.get("child_description", "").strip() and "child" not in self.errors:
            self.add_error("child_description", _("Choose the child from the registry, or describe the child here."))
        if not data.get("place") and "place" not in self.errors:
            if child:
                data["place"] = child.residence
            else:
                self.add_error("place", _("Choose where it happened (county, town, village)."))
        visit_id = data.get("visit_id")
        # Every id the form takes is looked up through visible_to: a hand-edited ?visit= number of
        # another county's visit is "does not exist", as for a number that names nothing. The field
        # is hidden, so the message goes on top of the form.
        visit = Visit.objects.visible_to(self.user).filter(pk=visit_id).first() if visit_id else None
        if visit_id and visit is None:
            self.add_error(None, _("The visit this report was raised from does not exist."))
        elif visit and child and visit.child_id != child.pk:
            self.add_error("child", _("The visit this report was raised from is about another child."))
        return data


class NoticeForm(forms.ModelForm):
    """Log that one recipient was told."""

    class Meta:
        model = IncidentNotice
        fields = ["notified_at", "channel", "receiver", "receipt_number"]
        widgets = {"notified_at": LocalDateTimeInput()}
        error_messages = {
            "notified_at": {"required": _("Enter when they were told.")},
            "channel": {"required": _("Choose how they were told.")},
            "receiver": {"required": _("Enter the name of the person who took the report.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("notified_at", "channel", "receiver"):
            self.fields[name].required = True
        self.fields["notified_at"].initial = _now_minute
        self.fields["receiver"].widget.attrs["placeholder"] = _("e.g. Officer Li, duty desk")

    def clean_notified_at(self):
        return _not_future(self.cleaned_data["notified_at"])


class FeedbackForm(forms.Form):
    feedback_at = forms.DateTimeField(label=_("Feedback received at"), widget=LocalDateTimeInput(),
                                      error_messages={"required": _("Enter when the feedback came.")})
    feedback = forms.CharField(label=_("What the police said"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               error_messages={"required": _("Write what the police said.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback_at"].initial = _now_minute

    def clean_feedback_at(self):
        return _not_future(self.cleaned_data["feedback_at"])


class MeasureForm(forms.ModelForm):
    class Meta:
        model = IncidentMeasure
        fields = ["kind", "taken_at", "note"]
        widgets = {"taken_at": LocalDateTimeInput(), "note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"taken_at": {"required": _("Enter when the measure was taken.")},
                          "kind": {"required": _("Choose the measure.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_at"].initial = _now_minute

    def clean_taken_at(self):
        return _not_future(self.cleaned_data["taken_at"])


class LinkChildForm(forms.Form):
    child = ChildChoiceField(label=_("Child in the registry"), queryset=Child.objects.none(),
                             error_messages={"required": _("Choose the child."),
                                             "invalid_choice": _("Choose a child from the list.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = (Child.objects.visible_to(user).in_registry()
                                         .select_related("residence").order_by("name", "id"))
