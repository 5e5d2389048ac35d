from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and team")

    def ready(self):
        from . import countcache, database, home  # noqa: F401  database registers its system check

        home.register()
        countcache.connect()
