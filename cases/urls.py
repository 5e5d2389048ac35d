from django.urls import path

from . import views
from .family import views as family_views
from .incidents import views as incident_views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/assessment/", views.case_assess, name="assess"),
    path("<int:pk>/plan/", views.case_plan, name="plan"),
    path("<int:pk>/plan/submit/", views.case_plan_submit, name="plan_submit"),
    path("<int:pk>/services/new/", views.case_service_add, name="service_add"),
    path("<int:pk>/notes/new/", views.case_note_add, name="note_add"),
    path("<int:pk>/referrals/new/", views.case_referral_add, name="referral_add"),
    path("<int:pk>/evaluation/", views.case_evaluate, name="evaluate"),
    path("<int:pk>/closure/", views.case_close, name="close"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/archive.pdf", views.case_pdf, name="pdf"),
    path("referrals/<int:pk>/", views.referral_update, name="referral_update"),
    path("follow-ups/<int:pk>/", views.follow_up_record, name="follow_up"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_edit, name="resource_create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    # Family services without a case (家庭教育指导, 家庭矛盾调解)
    path("family-services/child/<int:child_pk>/new/", family_views.direct_service_create,
         name="direct_service_create"),
    # Discovery reports (发现报告)
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
