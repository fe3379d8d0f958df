"""Writes about people and accounts. Each service is one transaction.

Submodules: audit, sessions (tokens), login, otp, passwords, support (and phone changes),
prune. The names other apps use are re-exported here.
"""

from accounts.services.audit import audit_event_record
from accounts.services.sms import sms_to_user_queue

__all__ = ["audit_event_record", "sms_to_user_queue"]
