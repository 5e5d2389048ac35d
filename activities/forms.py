from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.uploads import clean_image
from children.models import Child
from children.widgets import ChildPicker
from divisions.forms import DivisionField
from divisions.models import Division

from .models import Activity, Article, TrainingAttendee
from .text import identifying_details, sanitise

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AttendanceField(forms.ModelMultipleChoiceField):
    """Registered children attending, picked through the child search (children/widgets.py): the page
    lists only the children already chosen, never every child the editor can see."""

    def __init__(self, **kwargs):
        super().__init__(widget=ChildPicker(multiple=True), **kwargs)

    def label_from_instance(self, child):
        return f"{child.name}（{child.residence}）"


class ActivityForm(forms.ModelForm):
    """An activity, planned or held. Attendance is searched among the registered children the editor
    can see (name, pinyin, ID number, village); the posted ids are checked against the same scope."""

    place = DivisionField(label=_("place"), help_text=_("At least the county-level unit; the village if it was "
                                                        "held in one."))
    registered_children = AttendanceField(label=_("registered children attending"), queryset=Child.objects.none(),
                                          required=False,
                                          help_text=_("Search by name, pinyin, ID number or village and tick each "
                                                      "child who attended."))

    class Meta:
        model = Activity
        fields = ["kind", "topic", "title", "status", "starts_at", "ends_at", "place", "venue", "partners",
                  "volunteer_count", "volunteer_hours", "other_children_count", "parents_count", "others_count",
                  "summary", "feedback"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET,
                   "summary": forms.Textarea(attrs={"rows": 4}), "feedback": forms.Textarea(attrs={"rows": 3})}

    field_order = ["kind", "topic", "title", "status", "starts_at", "ends_at", "place", "venue", "partners",
                   "volunteer_count", "volunteer_hours", "registered_children", "other_children_count",
                   "parents_count", "others_count", "summary", "feedback"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        visible = Child.objects.visible_to(user).in_registry()
        self.fields["registered_children"].queryset = visible
        if self.instance.pk:  # only those this editor may see; set_attendance keeps the others
            self.initial["registered_children"] = list(
                self.instance.registered_children.filter(pk__in=visible.values("pk")).values_list("pk", flat=True))

    def clean_place(self):
        place = self.cleaned_data["place"]
        if place.level == Division.Level.CITY:
            raise ValidationError(_("Choose at least the county-level unit where the activity takes place."))
        return place


class AttendeeForm(forms.Form):
    """One person of a training's list: matched to the contact on the ground of the same role, name and
    place, or recorded as a new contact (activities.services.record_attendees)."""

    name = forms.CharField(label=_("name"), max_length=50)
    position = forms.ChoiceField(label=_("position"), choices=TrainingAttendee.Position.choices)
    division = DivisionField(label=_("town or village"))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_division(self):
        division = self.cleaned_data["division"]
        if division.level not in (Division.Level.TOWN, Division.Level.VILLAGE):
            raise ValidationError(_("Choose the town (for a child supervisor) or the village (for a child "
                                    "director)."))
        return division


class AttendeeListBase(forms.BaseFormSet):
    """The people of one training entered as a list in one form; the same person twice is refused."""

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms
                if f.cleaned_data and not (self.can_delete and self._should_delete_form(f))]

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for row in self.rows():
            key = (row["position"], row["name"], row["division"].pk)
            if key in seen:
                raise ValidationError(_("%(name)s is on the list twice; enter each person once.")
                                      % {"name": row["name"]})
            seen.add(key)
        if not seen:
            raise ValidationError(_("Enter at least one person."))


AttendeeFormSet = forms.formset_factory(AttendeeForm, formset=AttendeeListBase, extra=3, can_delete=True)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("photo"))
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)
    no_faces = forms.BooleanField(label=_("No child's face can be recognised in this photo"),
                                  error_messages={"required": _("Upload only photos in which no child can be "
                                                                "recognised (R12); tick the box to confirm.")})

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.cleaned_content = clean_image(upload)
        return upload


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["kind", "title", "activity", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.visible_to(user).held().order_by("-starts_at")
        self.fields["body"].help_text = _("Paragraphs, bold, lists and links are kept; anything else is removed. "
                                          "Use pseudonyms; no school, address or other detail that identifies a "
                                          "child.")

    def clean_body(self):
        body = sanitise(self.cleaned_data["body"])
        if not body.strip():
            raise ValidationError(_("Write the text of the article."))
        return body

    def clean(self):
        cleaned = super().clean()
        problems = identifying_details(f"{cleaned.get('title', '')} {cleaned.get('body', '')}")
        if problems:
            raise ValidationError(problems)
        return cleaned


class SubmitArticleForm(forms.Form):
    """The de-identification checklist (R12): every item must be ticked for this submission."""

    uses_pseudonyms = forms.BooleanField(label=Article._meta.get_field("uses_pseudonyms").verbose_name)
    no_faces = forms.BooleanField(label=Article._meta.get_field("no_faces").verbose_name)
    no_school = forms.BooleanField(label=Article._meta.get_field("no_school").verbose_name)
    no_address = forms.BooleanField(label=Article._meta.get_field("no_address").verbose_name)
    note = forms.CharField(label=_("note to the bureau"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("uses_pseudonyms", "no_faces", "no_school", "no_address"):
            self.fields[name].error_messages["required"] = _("Check this and tick it before submitting.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", _("Approve")),
                                                               ("return", _("Return for revision"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what needs to change when returning an article."))
        return cleaned


class PublishForm(forms.ModelForm):
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = ["media", "published_on", "link"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["media"].required = True
        self.fields["published_on"].required = True
