from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is wrong. Check both (passwords are case-sensitive) "
                           "and try again; after 5 wrong tries the account is locked for 30 minutes."),
        "inactive": _("This account is disabled. Ask the system administrator to enable it."),
    }

    username = forms.CharField(label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True,
                                                                                  "autocomplete": "username"}))


def add_service_error(form, exc) -> None:
    """Show a service's ValidationError on the form: on its field where it names one the form has,
    otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
