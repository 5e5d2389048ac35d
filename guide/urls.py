from django.urls import path, re_path

from . import views

app_name = "guide"

urlpatterns = [
    path("", views.index, name="index"),
    path("pdf/", views.pdf, name="pdf"),
    path("hint/dismiss/", views.dismiss_hint, name="dismiss_hint"),
    re_path(r"^images/(?P<name>[a-z0-9-]+)\.png$", views.image, name="image"),
    path("<slug:slug>/", views.chapter, name="chapter"),
]
