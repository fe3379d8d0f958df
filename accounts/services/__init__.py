"""Writes about people and accounts. Each service is one transaction.

Submodules: audit, sessions (tokens), login, otp, passwords, support (and phone changes),
prune. The names other apps use are re-exported here.
"""

from accounts.services.audit import audit_event_record, audit_events_record_bulk

__all__ = ["audit_event_record", "audit_events_record_bulk"]
