"""Stable machine codes of the errors every endpoint can answer. Clients switch on them:
add new ones, never rename one."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    TOKEN_NOT_VALID = "token_not_valid"  # noqa: S105 - an error code, not a secret
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    THROTTLED = "throttled"
    CONFLICT = "conflict"
    SERVER_ERROR = "server_error"
    # A dependency a safeguard needs (the shared cache behind a rate limit) is unreachable.
    SERVICE_UNAVAILABLE = "service_unavailable"
    REQUEST_TOO_LARGE = "request_too_large"
    NESTING_TOO_DEEP = "nesting_too_deep"
    NUL_CHARACTER = "nul_character"
