"""TOTP enrolment for staff and admin accounts (django-otp's TOTPDevice)."""

from __future__ import annotations

from base64 import b32encode

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import status

from accounts.error_codes import AccountsErrorCode
from accounts.models import User
from accounts.services.audit import audit_event_record
from api.exceptions import ApplicationError


@transaction.atomic
def totp_enrol_start(*, user: User) -> dict[str, str]:
    """A new, unconfirmed device; the app scans ``config_url`` (otpauth://) as a QR code."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError(
            code=AccountsErrorCode.TOTP_ALREADY_ENROLLED,
            detail=_("Two-factor authentication is already set up for this account."),
            status_code=status.HTTP_409_CONFLICT,
        )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return {"config_url": device.config_url, "secret": b32encode(device.bin_key).decode()}


def totp_enrol_confirm(*, user: User, otp: str, ip: str | None = None) -> None:
    """Confirm the pending device with a first code; from then on login asks for one."""
    if not _totp_enrol_confirm(user=user, otp=otp, ip=ip):
        raise ApplicationError(
            code=AccountsErrorCode.OTP_INVALID,
            detail=_("The code is incorrect."),
            status_code=status.HTTP_400_BAD_REQUEST,
        )


@transaction.atomic
def _totp_enrol_confirm(*, user: User, otp: str, ip: str | None) -> bool:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(otp):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_event_record(action="totp_enrolled", actor=user, target_user=user, ip=ip)
    return True
