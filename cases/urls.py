from django.urls import path

from . import views
from .incident_urls import urlpatterns as incident_urlpatterns

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    *incident_urlpatterns,
]
