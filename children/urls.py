from django.urls import path

from . import views
from .import_urls import urlpatterns as import_urlpatterns
from .risk_urls import urlpatterns as risk_urlpatterns

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("<int:pk>/", views.child_detail, name="detail"),
    *risk_urlpatterns,
    *import_urlpatterns,
]
