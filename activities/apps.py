from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from accounts.home import register_card

        from .cards import review_card, targets_card, to_record_card

        register_card(order=30, func=targets_card)
        register_card(order=31, func=review_card)
        register_card(order=32, func=to_record_card)
