from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def incident_list(request):
    return render(request, "cases/incident_list.html", {"incidents": []})


@login_required
def incident_create(request):
    """Placeholder until the report form lands: the report list."""
    from django.shortcuts import redirect

    return redirect("cases:incident_list")
