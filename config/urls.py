from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from accounts.urls import auth_urlpatterns

admin.site.site_header = settings.SITE_TITLE
admin.site.site_title = settings.SITE_TITLE
admin.site.index_title = settings.SITE_TITLE

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    *auth_urlpatterns,
    path("accounts/", include("accounts.urls")),
    path("divisions/", include("divisions.urls")),
    path("children/", include("children.urls")),
    path("visits/", include("visits.urls")),
    path("cases/", include("cases.urls")),
    path("activities/", include("activities.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("reports/", include("reports.urls")),
    path("handover/", include("handover.urls")),
    path("help/", include("guide.urls")),
    path("admin/", admin.site.urls),
]
