from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Case


@login_required
def case_list(request):
    cases = Case.objects.visible_to(request.user).select_related("child", "worker")
    return render(request, "cases/list.html", {"cases": cases})


@login_required
def case_detail(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("child", "worker"), pk=pk)
    return render(request, "cases/detail.html", {"case": case})


@login_required
def case_create(request):
    """Placeholder until case intake lands: the case list."""
    from django.shortcuts import redirect

    return redirect("cases:list")
