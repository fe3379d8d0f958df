"""Stable machine codes of health-card errors. Clients switch on them: never rename one."""

from enum import StrEnum


class HealthCardErrorCode(StrEnum):
    CARD_SUSPENDED = "card_suspended"
    CARD_REVOKED = "card_revoked"
    CARD_EXPIRED = "card_expired"
    CARD_NOT_SUSPENDED = "card_not_suspended"
    SCAN_ALREADY_REPORTED = "scan_already_reported"
    CLINIC_WITHOUT_FACILITY = "clinic_without_facility"
    SIGNING_KEY_UNAVAILABLE = "signing_key_unavailable"
    QR_FORMAT_UNSUPPORTED = "qr_format_unsupported"
    CARD_NOT_REACTIVATABLE = "card_not_reactivatable"
    CASE_NOT_OPEN = "case_not_open"
