from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and discovery reports")

    def ready(self):
        # Case files: child timeline and home cards. Discovery reports: banner, card, timeline, beat task.
        from . import hooks, tasks  # noqa: F401
        from .incidents import views  # noqa: F401
