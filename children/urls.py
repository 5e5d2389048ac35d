from django.urls import path

from . import household_views, import_views, list_views, request_views, risk_views, views

app_name = "children"
urlpatterns = [
    path("", list_views.child_list, name="list"),
    # the 个人档案 (child record): create, view, edit, reveal, PDF, tags, benefits, exit
    path("new/", views.child_create, name="create"),
    path("autocomplete/", views.child_autocomplete, name="autocomplete"),
    path("turning-age/", views.turning_age, name="turning_age"),
    path("<int:pk>/", views.child_detail, name="detail"),
    path("<int:pk>/edit/", views.child_edit, name="edit"),
    path("<int:pk>/pdf/", views.child_pdf, name="pdf"),
    path("<int:pk>/photo/", views.child_photo, name="photo"),
    path("<int:pk>/reveal-id/", views.child_reveal_id, name="reveal_id"),
    path("<int:pk>/exit/", views.child_exit, name="exit"),
    path("<int:pk>/readmit/", views.child_readmit, name="readmit"),
    path("<int:pk>/requests/", request_views.request_list, name="requests"),
    path("<int:pk>/requests/<int:request_pk>/", request_views.request_detail, name="request_detail"),
    path("<int:pk>/categories/new/", views.category_edit, name="category_add"),
    path("<int:pk>/categories/<int:link_pk>/", views.category_edit, name="category_edit"),
    path("<int:pk>/categories/<int:link_pk>/remove/", views.category_remove, name="category_remove"),
    path("<int:pk>/categories/<int:link_pk>/evidence/", views.category_evidence, name="category_evidence"),
    path("<int:pk>/benefits/new/", views.enrolment_edit, name="enrolment_add"),
    path("<int:pk>/benefits/<int:enrolment_pk>/", views.enrolment_edit, name="enrolment_edit"),
    # risk grading
    path("<int:pk>/risk/", risk_views.risk_history, name="risk_history"),
    path("<int:pk>/risk/new/", risk_views.risk_assess, name="risk_assess"),
    path("<int:pk>/risk/<int:assessment_pk>/", risk_views.risk_detail, name="risk_detail"),
    path("<int:pk>/risk/events/new/", risk_views.risk_event_new, name="risk_event_new"),
    path("<int:pk>/risk/no-case/", risk_views.no_case_reason, name="no_case_reason"),
    path("high-risk-no-case/", risk_views.high_risk_no_case, name="high_risk_no_case"),
    # households (家庭): siblings grouped as one family (docs/households.md)
    path("families/", household_views.household_list, name="household_list"),
    path("families/new/<int:child_pk>/", household_views.household_create, name="household_create"),
    path("families/<int:pk>/", household_views.household_detail, name="household_detail"),
    path("families/<int:pk>/edit/", household_views.household_edit, name="household_edit"),
    path("families/<int:pk>/confirm/", household_views.household_confirm, name="household_confirm"),
    path("families/<int:pk>/add/", household_views.household_add, name="household_add"),
    path("families/<int:pk>/move-out/<int:child_pk>/", household_views.household_move_out,
         name="household_move_out"),
    # ledger import and export
    path("import/", import_views.import_start, name="import"),
    path("to-confirm/", import_views.import_pending, name="pending"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/<str:token>/", import_views.import_preview, name="import_preview"),
    path("import/<str:token>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<str:token>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("export.xlsx", import_views.export, name="export"),
]
