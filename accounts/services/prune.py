"""Daily housekeeping: the token, session and OTP tables grow with every login."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.lockout import lockout_prune
from accounts.models import OtpChallenge, Session

OTP_RETENTION = timedelta(days=1)


@transaction.atomic
def accounts_prune() -> dict[str, int]:
    """Delete expired outstanding tokens (their blacklist rows go with them), sessions revoked
    more than ACCOUNTS_SESSION_RETENTION_DAYS ago, OTP challenges expired over a day and
    idle login-lock rows."""
    now = timezone.now()
    tokens, _ = OutstandingToken.objects.filter(expires_at__lt=now).delete()
    retention = timedelta(days=settings.ACCOUNTS_SESSION_RETENTION_DAYS)
    sessions, _ = Session.objects.filter(revoked_at__lt=now - retention).delete()
    otps, _ = OtpChallenge.objects.filter(expires_at__lt=now - OTP_RETENTION).delete()
    locks = lockout_prune()
    return {"tokens": tokens, "sessions": sessions, "otp_challenges": otps, "login_locks": locks}
