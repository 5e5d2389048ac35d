"""The project's admin site: Django's, with two holes closed (issue 11).

- A signed-in user who does not use the admin (a social worker, the bureau) is told so on the
  project's 403 page, instead of being shown a second login form.
- The "view on site" shortcut (`/admin/r/<content type>/<id>/`) answers only for objects the user
  may view in this admin (its model admin's queryset, which for child data is `visible_to`), so
  the administrator cannot probe which child ids exist: every other id is a 404.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _


class SiteAdmin(admin.AdminSite):
    def has_permission(self, request):
        """Every use of the admin needs a session verified with a second factor (R14, accounts/otp.py)."""
        from accounts import otp

        return super().has_permission(request) and (not settings.OTP_REQUIRED or otp.is_verified(request))

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(_("The admin is for the project lead, the supervisors and the system "
                                     "administrator; everything your role does is on the workbench."))
        return super().login(request, extra_context)

    def get_urls(self):
        guarded = path("r/<path:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site),
                       name="view_on_site")
        return [guarded if getattr(url, "name", None) == "view_on_site" else url for url in super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get(pk=int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            raise Http404
        try:
            obj = model_admin.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, ValidationError):
            obj = None
        if obj is None or not hasattr(obj, "get_absolute_url"):
            raise Http404
        return redirect(obj.get_absolute_url())

