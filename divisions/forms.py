"""The county → town → village picker used by every form and filter that takes a place."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Division

LEVELS = ("county", "town", "village")


class DivisionPicker(forms.Widget):
    """Three selects; choosing one loads the next level over htmx. The value is the deepest choice."""

    template_name = "divisions/picker.html"

    def __init__(self, attrs=None, deepest: str = "village"):
        super().__init__(attrs)
        self.levels = LEVELS[: LEVELS.index(deepest) + 1]

    def value_from_datadict(self, data, files, name):
        chosen = [data.get(f"{name}_{level}") for level in self.levels]
        chosen = [c for c in chosen if c]
        return chosen[-1] if chosen else data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{level}" in data for level in self.levels) and name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = str(value or "")
        selected = {"county": code[:6], "town": code[:9] if len(code) >= 9 else "",
                    "village": code if len(code) == 12 else ""}
        options = {"county": Division.objects.counties()}
        if selected["county"]:
            options["town"] = Division.objects.filter(parent_id=selected["county"])
        if selected["town"]:
            options["village"] = Division.objects.filter(parent_id=selected["town"])
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        url = reverse("divisions:options")
        context["widget"]["selects"] = [
            {
                "level": level,
                "name": f"{name}_{level}",
                "id": f"{base_id}_{level}",
                "label": LEVEL_LABELS[level],
                "options": options.get(level, []),
                "selected": selected[level],
                "next_id": f"{base_id}_{self.levels[i + 1]}" if i + 1 < len(self.levels) else "",
                "after_next_ids": [f"{base_id}_{lv}" for lv in self.levels[i + 2:]],
                "url": f"{url}?field={name}_{level}",
            }
            for i, level in enumerate(self.levels)
        ]
        return context


LEVEL_LABELS = {"county": _("County-level unit"), "town": _("Town"), "village": _("Village")}


class DivisionField(forms.ModelChoiceField):
    def __init__(self, *, deepest: str = "village", queryset=None, **kwargs):
        kwargs.setdefault("widget", DivisionPicker(deepest=deepest))
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose a place from the lists.")})
        super().__init__(queryset=queryset if queryset is not None else Division.objects.all(), **kwargs)
