"""Guardian and child requests about the child's information (R8; docs/privacy.md, "Guardian and child requests"):
the child's list of requests with the form for a new one, and one request with its answer. The team records
and answers them (Can.DO_CASEWORK on a child it sees); the copy is the child's 个人档案 PDF, a correction is an
edit of the record (kept in its change history), a deletion request is answered with the retention rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.policy import Can, get_changeable_or_404, get_visible_or_404, require
from accounts.services import audit

from .forms import DataRequestAnswerForm, DataRequestForm
from .models import Child, DataRequest


@login_required
def request_list(request, pk):
    require(request.user, Can.DO_CASEWORK)
    child = get_visible_or_404(Child.objects.select_related("residence"), request.user, pk=pk)
    form = DataRequestForm(request.POST or None)
    if request.method == "POST":
        child = get_changeable_or_404(Child.objects, request.user, pk=pk)
        if form.is_valid():
            with transaction.atomic():
                data_request = form.save(commit=False)
                data_request.child, data_request.recorded_by = child, request.user
                data_request.save()
                audit(user=request.user, action="child.data_request", target=data_request, request=request,
                      kind=data_request.kind)
            messages.success(request, _("Request recorded. Answer by %(day)s.") % {
                "day": f"{data_request.due_on:%Y-%m-%d}"})
            return redirect(data_request)
    requests = child.data_requests.select_related("answered_by").order_by("-received_on", "-id")
    return render(request, "children/requests.html", {"child": child, "requests": requests, "form": form})


@login_required
def request_detail(request, pk, request_pk):
    require(request.user, Can.DO_CASEWORK)
    data_request = get_object_or_404(
        DataRequest.objects.visible_to(request.user).select_related("child", "recorded_by", "answered_by"),
        child_id=pk, pk=request_pk)
    form = DataRequestAnswerForm(request.POST or None, instance=data_request) if data_request.is_open else None
    if request.method == "POST" and form is not None:
        if form.is_valid():
            with transaction.atomic():
                answered = form.save(commit=False)
                answered.answered_by = request.user
                answered.save()
                audit(user=request.user, action="child.data_request_answered", target=answered, request=request,
                      outcome=answered.outcome)
            messages.success(request, _("Answer recorded."))
            return redirect(answered)
    return render(request, "children/request_detail.html", {"r": data_request, "child": data_request.child,
                                                            "form": form})
