"""Stable error codes of the accounts app. Never rename one: clients switch on them."""

from enum import StrEnum


class AccountsErrorCode(StrEnum):
    INSUREE_NOT_FOUND = "insuree_not_found"
    INVALID_CREDENTIALS = "invalid_credentials"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_EXISTS = "account_exists"
    OTP_INVALID = "otp_invalid"
    OTP_EXPIRED = "otp_expired"
    OTP_TOO_MANY_ATTEMPTS = "otp_too_many_attempts"
    OTP_RESEND_TOO_SOON = "otp_resend_too_soon"
    OTP_DAILY_LIMIT = "otp_daily_limit"
    SESSION_REVOKED = "session_revoked"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"  # noqa: S105 - an error code, not a secret
    PASSWORD_INCORRECT = "password_incorrect"  # noqa: S105 - an error code, not a secret
    PHONE_CHANGE_PENDING = "phone_change_pending"
    PHONE_CHANGE_SAME_PERSON = "phone_change_same_person"
    PHONE_CHANGE_NOT_PENDING = "phone_change_not_pending"
    PHONE_UNCHANGED = "phone_unchanged"
    TOTP_ALREADY_ENROLLED = "totp_already_enrolled"
    NO_PHONE_ON_FILE = "no_phone_on_file"
