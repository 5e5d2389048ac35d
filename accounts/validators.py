from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with a message our catalog translates (Django's own zh_Hans lags behind)."""

    def get_error_message(self):
        return _("This password is too short: use at least %(min_length)d characters, "
                 "for example a few words joined together.") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}
