from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Child
from .timeline import events_for


@login_required
def child_list(request):
    children = Child.objects.visible_to(request.user).select_related("residence", "social_worker")[:200]
    return render(request, "children/list.html", {"children": children})


@login_required
def child_detail(request, pk):
    child = get_object_or_404(Child.objects.visible_to(request.user).select_related("residence"), pk=pk)
    return render(request, "children/detail.html", {"child": child, "timeline": events_for(child, request.user)})
