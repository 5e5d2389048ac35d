from django.urls import path

from . import followup_views, views

app_name = "visits"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("records/", views.visit_list, name="visit_list"),
    path("compliance/", views.compliance, name="compliance"),
    path("child/<int:child_pk>/new/", views.visit_create, name="visit_create"),
    path("family/<int:household_pk>/new/", views.household_visit_create, name="household_visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("child/<int:child_pk>/calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("follow-ups/", followup_views.followup_list, name="followup_list"),
    path("follow-ups/new/", followup_views.followup_create, name="followup_create"),
    path("follow-ups/<int:pk>/", followup_views.followup_detail, name="followup_detail"),
    path("follow-ups/<int:pk>/feedback/", followup_views.followup_feedback, name="followup_feedback"),
    path("follow-ups/<int:pk>/received/", followup_views.followup_received, name="followup_received"),
]
