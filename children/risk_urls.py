from django.urls import path

from . import risk_views

urlpatterns = [
    path("<int:pk>/risk/", risk_views.risk_history, name="risk_history"),
    path("<int:pk>/risk/new/", risk_views.risk_assess, name="risk_assess"),
    path("<int:pk>/risk/<int:assessment_pk>/", risk_views.risk_detail, name="risk_detail"),
    path("<int:pk>/risk/events/new/", risk_views.risk_event_new, name="risk_event_new"),
]
