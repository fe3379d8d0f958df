"""Writes about people and accounts. Each service is one transaction.

Submodules: audit, sessions (tokens), login, otp, passwords, support (and phone changes),
prune. The names other apps use are re-exported here.
"""

from accounts.models import OtpPurpose
from accounts.services.audit import audit_event_record, audit_events_record_bulk
from accounts.services.otp import (
    ChallengeStarted,
    otp_challenge_redeem_for_user,
    otp_challenge_start_for_user,
    otp_error,
)
from accounts.services.sms import sms_to_user_queue

__all__ = [
    "ChallengeStarted",
    "OtpPurpose",
    "audit_event_record",
    "audit_events_record_bulk",
    "otp_challenge_redeem_for_user",
    "otp_challenge_start_for_user",
    "otp_error",
    "sms_to_user_queue",
]
