from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.dates import not_in_future
from accounts.forms import SubmissionTokenMixin, VersionedFormMixin
from accounts.uploads import IMAGE_ACCEPT, clean_image
from children.models import Child
from divisions.forms import DivisionField

from .models import FamilyCall, FollowUpContact, SafetyHazard, Visit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 2})
MAX_PHOTOS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": IMAGE_ACCEPT})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)s photos at a time.") % {"n": MAX_PHOTOS})
        return [clean_image(f) for f in files]


class VisitForm(VersionedFormMixin, SubmissionTokenMixin, forms.ModelForm):
    child_seen = forms.TypedChoiceField(
        label=_("Child seen"), choices=[(True, _("Yes, I saw the child")), (False, _("No, the child was not seen"))],
        coerce=lambda value: value in (True, "True"), widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you saw the child yourself.")})
    hazards = forms.MultipleChoiceField(label=_("Safety hazards found"), choices=SafetyHazard.choices,
                                        required=False, widget=forms.CheckboxSelectMultiple)
    photos = PhotosField(label=_("Photos"), required=False,
                         help_text=_("Optional. No faces of other people; at most 10 photos."))

    class Meta:
        model = Visit
        fields = ["type", "visited_on", "duration_minutes", "child_seen", "others_met",
                  "family_composition", "guardianship_care", "schooling", "health", "family_economy",
                  "living_safety", "hazards", "hazards_note", "parents_contact", "parents_contact_note",
                  "findings", "actions_agreed", "next_steps",
                  "checkin_latitude", "checkin_longitude", "checkin_accuracy_m"]
        widgets = {
            "visited_on": DATE_WIDGET,
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 720}),
            "checkin_latitude": forms.HiddenInput, "checkin_longitude": forms.HiddenInput,
            "checkin_accuracy_m": forms.HiddenInput,
            **{name: TEXTAREA for name in ["others_met", "family_composition", "guardianship_care", "schooling",
                                           "health", "family_economy", "living_safety", "hazards_note",
                                           "parents_contact_note", "findings", "actions_agreed", "next_steps"]},
        }
        error_messages = {
            "duration_minutes": {"required": _("Enter how many minutes the visit took."),
                                 "invalid": _("Enter the duration as a whole number of minutes.")},
            "visited_on": {"required": _("Enter the date of the visit."),
                           "invalid": _("Enter the date as YYYY-MM-DD.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["submission_token"]
            for name in ("checkin_latitude", "checkin_longitude", "checkin_accuracy_m"):
                del self.fields[name]

    def clean_visited_on(self):
        return not_in_future(self.cleaned_data.get("visited_on"),
                             _("The visit date is in the future. Enter the day the visit took place."))

    def clean_duration_minutes(self):
        minutes = self.cleaned_data.get("duration_minutes")
        if minutes is not None and not 1 <= minutes <= 720:
            raise forms.ValidationError(_("Enter a duration between 1 and 720 minutes."))
        return minutes

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("checkin_latitude"), cleaned.get("checkin_longitude")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(_("The check-in position is incomplete. Press “Check in here” again."))
        if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise forms.ValidationError(_("The check-in position is not valid. Press “Check in here” again."))
        return cleaned


class FamilyVisitForm(VisitForm):
    """家庭探访: the visit form for a household, with the children visited ticked (docs/households.md).
    Photos are kept with the first child's visit, so the same picture is not stored once per child."""

    children = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("family visit form", "Children visited"), queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the children of this family you visited.")})

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = members
        self.fields["children"].initial = [child.pk for child in members]
        self.fields["child_seen"].label = _("Children seen")


class FamilyCallForm(forms.ModelForm):
    class Meta:
        model = FamilyCall
        fields = ["held_on", "mode", "participants", "duration_minutes", "note"]
        widgets = {"held_on": DATE_WIDGET, "note": TEXTAREA,
                   "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})}
        error_messages = {"duration_minutes": {"required": _("Enter how many minutes the call took.")},
                          "participants": {"required": _("Say who took part in the call.")}}

    def clean_held_on(self):
        return not_in_future(self.cleaned_data.get("held_on"),
                             _("The call date is in the future. Enter the day the call took place."))

    def clean_duration_minutes(self):
        minutes = self.cleaned_data.get("duration_minutes")
        if minutes is not None and not 1 <= minutes <= 600:
            raise forms.ValidationError(_("Enter a duration between 1 and 600 minutes."))
        return minutes


class FollowUpForm(forms.ModelForm):
    division = DivisionField(label=_("Town or village"), deepest="village",
                             error_messages={"required": _("Choose the town or village you contacted.")})

    class Meta:
        model = FollowUpContact
        fields = ["division", "contacted_on", "method", "contact_name", "contact_role", "learned", "children",
                  "fed_back", "fed_back_to", "fed_back_on", "feedback_note"]
        widgets = {"contacted_on": DATE_WIDGET, "fed_back_on": DATE_WIDGET, "learned": forms.Textarea(
            attrs={"rows": 3}), "feedback_note": TEXTAREA}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["children"].queryset = Child.objects.visible_to(user).in_registry().only("id", "name")

    def clean_division(self):
        division = self.cleaned_data.get("division")
        if division and division.level == "county":
            raise forms.ValidationError(_("Choose a town or a village, not only the county."))
        if division and not self.user.sees_whole_project and not any(
                division.code.startswith(code) for code in self.user.area_codes()):
            raise forms.ValidationError(_("This place is outside your work area. Choose a town or village "
                                          "you cover."))
        return division

    def clean_contacted_on(self):
        return not_in_future(self.cleaned_data.get("contacted_on"),
                             _("The contact date is in the future. Enter the day of the contact."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fed_back"):
            if not cleaned.get("fed_back_to"):
                self.add_error("fed_back_to", _("Say which civil affairs office you fed back to."))
            fed_back_on = cleaned.get("fed_back_on")
            if not fed_back_on:
                self.add_error("fed_back_on", _("Enter the date you fed back."))
            elif fed_back_on > timezone.localdate():
                self.add_error("fed_back_on", _("The feedback date is in the future."))
            elif cleaned.get("contacted_on") and fed_back_on < cleaned["contacted_on"]:
                self.add_error("fed_back_on", _("The feedback date is before the contact date."))
        return cleaned


class FollowUpFeedbackForm(forms.Form):
    """Feeding a 随访 back to the county civil affairs bureau after it was recorded."""

    fed_back_to = forms.CharField(label=_("fed back to"), max_length=100,
                                  error_messages={"required": _("Say which civil affairs office you fed back to.")})
    fed_back_on = forms.DateField(label=_("fed back on"), widget=DATE_WIDGET,
                                  error_messages={"required": _("Enter the date you fed back.")})
    feedback_note = forms.CharField(label=_("what was fed back"), widget=TEXTAREA)
