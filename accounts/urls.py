from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import otp_views, views
from .forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("password/", auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_done")),
         name="password_change"),
    path("second-factor/", otp_views.manage, name="otp_manage"),
    path("second-factor/verify/", otp_views.verify, name="otp_verify"),
    path("second-factor/enrol/", otp_views.enrol, name="otp_enrol"),
    path("second-factor/users/", otp_views.users, name="otp_users"),
    path("second-factor/reset/", otp_views.reset, name="otp_reset"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_done"),
]

# Login/logout keep Django's default names ("login", "logout") so LOGIN_URL and the admin find them.
auth_urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
