from django.urls import path

from . import list_views
from .import_urls import urlpatterns as import_urlpatterns
from .record_urls import urlpatterns as record_urlpatterns
from .risk_urls import urlpatterns as risk_urlpatterns

app_name = "children"
urlpatterns = [
    path("", list_views.child_list, name="list"),
    *record_urlpatterns,
    *risk_urlpatterns,
    *import_urlpatterns,
]
