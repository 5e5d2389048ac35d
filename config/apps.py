from django.contrib.admin.apps import AdminConfig


class SiteAdminConfig(AdminConfig):
    """Replaces "django.contrib.admin" in INSTALLED_APPS so that `admin.site` is the project's
    `config.admin_site.SiteAdmin`."""

    default_site = "config.admin_site.SiteAdmin"
