from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and discovery reports")

    def ready(self):
        from . import hooks  # noqa: F401  case files: child timeline and home cards
