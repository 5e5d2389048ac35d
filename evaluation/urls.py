from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/questions/", views.questions, name="questions"),
    path("surveys/coverage/", views.coverage, name="coverage"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("feedback/new/", views.feedback_create, name="feedback_create"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/edit/", views.feedback_edit, name="feedback_edit"),
    path("feedback/<int:pk>/respond/", views.feedback_respond, name="feedback_respond"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/feedback/", views.partner_feedback_add, name="partner_feedback_add"),
    path("screening/", views.screening_list, name="screening_list"),
    path("screening/new/", views.screening_edit, name="screening_create"),
    path("screening/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screening/<int:pk>/edit/", views.screening_edit, name="screening_edit"),
    path("help/", views.help_list, name="help_list"),
    path("help/new/", views.help_create, name="help_create"),
]
