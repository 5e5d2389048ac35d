from django.urls import path

from . import incident_views

urlpatterns = [
    path("incidents/", incident_views.incident_list, name="incident_list"),
    path("incidents/new/", incident_views.incident_create, name="incident_create"),
    path("incidents/children/", incident_views.incident_child_options, name="incident_child_options"),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/notices/<slug:recipient>/", incident_views.incident_log_notice,
         name="incident_log_notice"),
    path("incidents/<int:pk>/feedback/", incident_views.incident_feedback, name="incident_feedback"),
    path("incidents/<int:pk>/measures/", incident_views.incident_add_measure, name="incident_add_measure"),
    path("incidents/<int:pk>/confirm-risk/", incident_views.incident_confirm_risk, name="incident_confirm_risk"),
    path("incidents/<int:pk>/link-child/", incident_views.incident_link_child, name="incident_link_child"),
]
