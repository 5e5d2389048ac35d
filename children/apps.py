from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = _("Child registry")

    def ready(self):
        from accounts.home import register_card

        from . import risk_views, timeline
        from .services import registry_events
        from .views import turning_age_card

        risk_views.register_hooks()
        timeline.register(registry_events)
        register_card(order=28, func=turning_age_card)
