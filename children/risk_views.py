from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect

from .models import Child


@login_required
def risk_assess(request, pk):
    """Placeholder until the risk assessment form lands: back to the child's file."""
    child = get_object_or_404(Child.objects.visible_to(request.user), pk=pk)
    return redirect(child)
