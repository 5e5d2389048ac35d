from django.urls import path

from . import incident_views

urlpatterns = [
    path("incidents/", incident_views.incident_list, name="incident_list"),
]
