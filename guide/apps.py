from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    name = "guide"
    verbose_name = _("User guide")

    def ready(self):
        # The first-steps card of the 工作台; the guide's PDF in the hand-over.
        from . import hooks

        hooks.register()
