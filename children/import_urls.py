from django.urls import path

from . import import_views

urlpatterns = [
    path("import/", import_views.import_start, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/<str:token>/", import_views.import_preview, name="import_preview"),
    path("import/<str:token>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("export.xlsx", import_views.export, name="export"),
]
