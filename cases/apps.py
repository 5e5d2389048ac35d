from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases and discovery reports")

    def ready(self):
        # Case files and discovery reports: child timeline, home cards and banner. Celery tasks: tasks.py.
        from . import hooks, tasks  # noqa: F401

        hooks.register()
