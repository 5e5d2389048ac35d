from django.urls import path

from . import risk_views

urlpatterns = [
    path("<int:pk>/risk/new/", risk_views.risk_assess, name="risk_assess"),
]
