from django.urls import path

from . import views

app_name = "divisions"
urlpatterns = [path("options/", views.options, name="options")]
