"""The 个人档案 (child record) URLs: create, view, edit, reveal, PDF, tags, benefits, exit."""

from django.urls import path

from . import views

urlpatterns = [
    path("new/", views.child_create, name="create"),
    path("turning-age/", views.turning_age, name="turning_age"),
    path("<int:pk>/", views.child_detail, name="detail"),
    path("<int:pk>/edit/", views.child_edit, name="edit"),
    path("<int:pk>/pdf/", views.child_pdf, name="pdf"),
    path("<int:pk>/photo/", views.child_photo, name="photo"),
    path("<int:pk>/reveal-id/", views.child_reveal_id, name="reveal_id"),
    path("<int:pk>/exit/", views.child_exit, name="exit"),
    path("<int:pk>/readmit/", views.child_readmit, name="readmit"),
    path("<int:pk>/categories/new/", views.category_edit, name="category_add"),
    path("<int:pk>/categories/<int:link_pk>/", views.category_edit, name="category_edit"),
    path("<int:pk>/categories/<int:link_pk>/remove/", views.category_remove, name="category_remove"),
    path("<int:pk>/categories/<int:link_pk>/evidence/", views.category_evidence, name="category_evidence"),
    path("<int:pk>/benefits/new/", views.enrolment_edit, name="enrolment_add"),
    path("<int:pk>/benefits/<int:enrolment_pk>/", views.enrolment_edit, name="enrolment_edit"),
]
