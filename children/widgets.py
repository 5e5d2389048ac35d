"""A child picker that holds up at any number of children: a search box asking
children:autocomplete (scoped by Child.objects.visible_to), never a <select> of every child."""

from django import forms

from .models import Child


class ChildPicker(forms.Widget):
    """Renders the chosen child (if any) as a checked radio and a search box whose results replace
    the options. The form field's queryset still validates the posted id."""

    template_name = "children/child_picker.html"

    def __init__(self, attrs=None, *, multiple=False):
        super().__init__(attrs)
        self.multiple = multiple

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = value if isinstance(value, list | tuple) else ([value] if value not in (None, "") else [])
        chosen = list(Child.objects.filter(pk__in=[v for v in values if str(v).isdigit()])
                      .select_related("residence")) if values else []
        context["widget"].update({"chosen": chosen, "multiple": self.multiple})
        return context

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)
