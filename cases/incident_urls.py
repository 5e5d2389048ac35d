from django.urls import path

from . import incident_views

urlpatterns = [
    path("incidents/", incident_views.incident_list, name="incident_list"),
    path("incidents/new/", incident_views.incident_create, name="incident_create"),
]
