"""TOTP second factor (django-otp) for staff and admin accounts.

A staff account with a confirmed TOTP device must send its current code as ``otp`` when
it signs in to the API; the admin site requires a verified device when ADMIN_REQUIRE_2FA
is on. Citizens do not use TOTP (their second factor is the SMS OTP at activation/reset).
"""

from __future__ import annotations

from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def totp_required_for(user: User) -> bool:
    if user.is_citizen:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_verify(user: User, code: str) -> bool:
    if not code:
        return False
    return any(
        device.verify_token(code)
        for device in devices_for_user(user, confirmed=True)
        if isinstance(device, TOTPDevice)
    )
