from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with a message our catalog translates (Django's own zh_Hans lags behind)."""

    def get_error_message(self):
        return _("This password is too short: use at least %(min_length)d characters, "
                 "for example a few words joined together.") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}


class PasswordContentValidator:
    """Refuses what the length rule lets through: a password of blanks or of one or two characters
    repeated ("          ", "aaaaaaaaaa"), and one built from the user's own username ("worker1worker1").
    Django's similarity check compares the whole password with the username and misses repeats."""

    min_distinct = 4

    def validate(self, password, user=None):
        compact = "".join(password.split()).lower()
        if len(set(compact)) < self.min_distinct:
            raise ValidationError(
                _("This password has too few different characters; use a few words joined together."),
                code="password_too_simple")
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in compact:
            raise ValidationError(_("The password must not contain the username."), code="password_has_username")

    def get_help_text(self):
        return _("Not only blanks or one repeated character, and not containing your username.")
