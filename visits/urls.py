from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("compliance/", views.compliance, name="compliance"),
    path("child/<int:child_pk>/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("child/<int:child_pk>/calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("follow-ups/", views.followup_list, name="followup_list"),
    path("follow-ups/new/", views.followup_create, name="followup_create"),
    path("follow-ups/<int:pk>/", views.followup_detail, name="followup_detail"),
]
