from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .concurrency import new_token


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is wrong. Check both (passwords are case-sensitive) "
                           "and try again; after 5 wrong tries the account is locked for 30 minutes."),
        "inactive": _("This account is disabled. Ask the system administrator to enable it."),
    }

    username = forms.CharField(label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True,
                                                                                  "autocomplete": "username"}))

    def get_invalid_login_error(self):
        """Django's backend refuses a deactivated account before the form could say why; with the right password
        the person who left is told the account is disabled (not that the password is wrong, which would send
        them to retry until locked out). A wrong password still gets the same answer for every account."""
        from django.contrib.auth import get_user_model

        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        user = get_user_model().objects.filter(username=username, is_active=False).first()
        if user is not None and password and user.check_password(password):
            return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


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


class VersionedFormMixin(forms.Form):
    """A hidden ``version``: the version of the instance the form was opened at (accounts.concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version


class SubmissionTokenMixin(forms.Form):
    """A hidden one-time ``submission_token``: two posts of one form create one record (accounts.concurrency)."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"].initial = new_token  # called at rendering: fresh per form
