from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from divisions.models import Division

from .figures import NARRATIVES
from .periods import Kind, county_division, parse_period


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.CHOICES)
    period = forms.CharField(label=_("period"), max_length=10,
                             help_text=_("2026-11 (month), 2026-Q4, 2026-H2, 2026, C2026 (contract year), C2026-H1"))
    county = forms.ChoiceField(label=_("county-level unit"), required=False,
                               help_text=_("Only for the work analysis report; empty: the whole city."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("Zhanjiang (whole city)"))] + list(
            Division.objects.counties().values_list("code", "name"))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["parsed"] = parse_period(data["kind"], data["period"])
        except ValidationError as exc:
            self.add_error("period", exc)
            return data
        try:
            county_division(data.get("county") or None, data["kind"])
        except ValidationError as exc:
            self.add_error("county", exc)
        return data


class NarrativeForm(forms.Form):
    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in NARRATIVES:
            if key == "suggestions" and report.kind not in (Kind.ANALYSIS, Kind.SEMIANNUAL, Kind.ANNUAL):
                continue
            self.fields[key] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                               initial=report.narratives.get(key, ""), max_length=20000)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("bureau's comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    """The supervisor's review of a draft (not the bureau's decision: its own label)."""
    comment = forms.CharField(label=_("supervisor's comments"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
