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
