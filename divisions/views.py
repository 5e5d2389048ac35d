from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import LEVEL_LABELS
from .models import Division

NEXT_LEVEL = {Division.Level.CITY: "county", Division.Level.COUNTY: "town", Division.Level.TOWN: "village"}


@require_GET
@login_required
def options(request):
    """The <option>s under one division, for the picker. Division names are public data."""
    field = request.GET.get("field", "parent")
    code = request.GET.get(field) or request.GET.get("parent", "")
    parent = Division.objects.filter(code=code).first()
    divisions = parent.children.order_by("code") if parent else Division.objects.none()
    level = NEXT_LEVEL.get(parent.level, "village") if parent else "town"
    return render(request, "divisions/options.html", {"divisions": divisions, "label": LEVEL_LABELS[level]})
