"""The admin site. With ``ADMIN_REQUIRE_2FA`` on, only staff verified by a TOTP device get in
(django-otp's OTPAdminSite); off, it behaves as Django's plain admin. The setting is read per
request, so tests can switch it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite as DjangoAdminSite
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


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

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)
        return DjangoAdminSite.has_permission(self, request)
