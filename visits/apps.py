from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.home import register_card
        from children.models import Child
        from children.signals import risk_level_changed
        from children.timeline import register

        from . import hooks

        risk_level_changed.connect(hooks.on_risk_level_changed, sender=Child, dispatch_uid="visits.risk_level")
        post_save.connect(hooks.on_child_saved, sender=Child, dispatch_uid="visits.child_saved")
        register_card(order=10, func=hooks.worker_card)
        register_card(order=15, func=hooks.compliance_card)
        register(hooks.timeline_events)
