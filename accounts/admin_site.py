"""The admin site. With ``ADMIN_REQUIRE_2FA`` on, only staff verified by a TOTP device get in
(django-otp's OTPAdminSite); off, it behaves as Django's plain admin. The setting is read per
request, so tests can switch it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite as DjangoAdminSite
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from api.roles import Role


class AdminSite(OTPAdminSite):
    site_header = "VSS administration"
    site_title = "VSS admin"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @property
    def login_form(self) -> Any:
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else None

    @property
    def login_template(self) -> Any:
        return "otp/admin111/login.html" if settings.ADMIN_REQUIRE_2FA else None

    def index(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Support staff have no model pages here: their work is in the support console."""
        user = request.user
        if getattr(user, "role", None) == Role.SUPPORT and not user.is_superuser:
            return HttpResponseRedirect(reverse("support:index"))
        return super().index(request, extra_context)

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)
        return DjangoAdminSite.has_permission(self, request)
