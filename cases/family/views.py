"""Record a family service (guidance, mediation) for a child without a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.forms import add_service_error
from accounts.policy import Can, require
from children.models import Child

from .forms import DirectServiceForm


@login_required
def direct_service_create(request, child_pk):
    child = get_object_or_404(Child.objects.visible_to(request.user), pk=child_pk)
    require(request.user, Can.DO_CASEWORK)
    form = DirectServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.child, record.created_by = child, request.user
        try:
            record.full_clean()
            with transaction.atomic():
                record.save()
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Service recorded: %(service)s.") % {"service": record.service_type})
            return redirect(child)
    open_case = child.cases.open().first()
    return render(request, "cases/direct_service_form.html", {"child": child, "form": form, "open_case": open_case})
