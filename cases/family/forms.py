from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import DirectService, ServiceType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class DirectServiceForm(forms.ModelForm):
    participants = forms.MultipleChoiceField(label=_("who took part"), choices=DirectService.Participant.choices,
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": _("Tick who took part.")})

    class Meta:
        model = DirectService
        fields = ["service_type", "served_on", "duration_minutes", "participants", "participant_names", "content",
                  "result"]
        widgets = {"served_on": DATE, "content": TEXT, "result": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True, with_family=True)
