"""Stable machine codes of notification errors. Clients switch on them: never rename one."""

from enum import StrEnum


class NotificationErrorCode(StrEnum):
    SECURITY_PUSH_REQUIRED = "security_push_required"
    CAMPAIGN_SEGMENT_INVALID = "campaign_segment_invalid"
