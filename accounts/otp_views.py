"""Pages of the two-factor login (accounts/otp.py): enrolment, the code after the password, new recovery codes,
and the project lead's reset of a user's device. Every step is audited."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import otp
from .policy import Can, needs_second_factor, require
from .services import audit


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32, widget=forms.TextInput(attrs={
        "autofocus": True, "autocomplete": "one-time-code", "inputmode": "text"}))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@login_required
def verify(request):
    """The second step of signing in: a code of the authenticator app, or a recovery code (once each)."""
    if otp.is_verified(request):
        return HttpResponseRedirect(_next(request))
    if not otp.has_device(request.user):
        return redirect(_to("accounts:otp_enrol", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.match(request.user, form.cleaned_data["code"])
        if device is None:
            audit(user=request.user, action="otp.failed", request=request)
            form.add_error("code", _("The code is wrong or has expired. Type the six digits your authenticator "
                                     "app shows now, or one of your recovery codes."))
        else:
            otp.mark_verified(request, device)
            recovery = device.persistent_id.startswith("otp_static")
            audit(user=request.user, action="otp.verified", request=request,
                  method="recovery code" if recovery else "authenticator")
            if recovery:
                left = device.token_set.count()
                messages.warning(request, _("You signed in with a recovery code; it cannot be used again. "
                                            "%(left)s codes are left.") % {"left": left})
            return HttpResponseRedirect(_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def enrol(request):
    """Link an authenticator app: its secret is shown to type in by hand; the first code confirms it."""
    if otp.has_device(request.user):
        if not otp.is_verified(request):  # a device exists: enrolling another must not skip it
            return redirect(_to("accounts:otp_verify", request))
        return redirect("accounts:otp_manage")
    device = otp.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token("".join(form.cleaned_data["code"].split())):
            codes = otp.confirm(device)
            otp.mark_verified(request, device)
            audit(user=request.user, action="otp.enrolled", request=request)
            return render(request, "accounts/otp_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("The code is wrong or has expired. Check that the secret was typed exactly "
                                 "and the phone's clock is right, then type the code shown now."))
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "groups": otp.secret_groups(device), "uri": device.config_url, "next": _next(request),
        "required": needs_second_factor(request.user)})


@login_required
def manage(request):
    """Whether the user has a second factor; new recovery codes for a verified session."""
    enrolled = otp.has_device(request.user)
    if request.method == "POST":
        if not (enrolled and otp.is_verified(request)):
            return redirect("accounts:otp_verify")
        codes = otp.new_recovery_codes(request.user)
        audit(user=request.user, action="otp.recovery_codes", request=request)
        return render(request, "accounts/otp_codes.html", {"codes": codes, "next": "/"})
    return render(request, "accounts/otp_manage.html", {
        "enrolled": enrolled, "verified": otp.is_verified(request), "required": needs_second_factor(request.user)})


@login_required
def users(request):
    """The project lead's list: who has a second factor, and a reset for a lost phone."""
    require(request.user, Can.LEAD_PROJECT)
    people = get_user_model().objects.filter(is_active=True).order_by("username")
    enrolled = set(otp.TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [(person, person.pk in enrolled, needs_second_factor(person)) for person in people]
    return render(request, "accounts/otp_users.html", {"rows": rows})


@login_required
@require_POST
def reset(request):
    """The lead removes a user's authenticator and recovery codes (a lost phone); they enrol at next sign-in."""
    require(request.user, Can.LEAD_PROJECT)
    try:
        pk = int(request.POST.get("user", ""))
    except ValueError:
        messages.error(request, _("Choose a user."))
        return redirect("accounts:otp_users")
    person = get_object_or_404(get_user_model(), pk=pk)
    otp.reset(person)
    audit(user=request.user, action="otp.reset", target=person, request=request)
    messages.success(request, _("The second factor of %(user)s was reset: they set up an authenticator app "
                                "at their next sign-in.") % {"user": person})
    return redirect("accounts:otp_users")


def _to(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"
