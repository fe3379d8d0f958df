"""The one door other apps use to tell a user something: name a kind, hand data (no text).

Writes happen in the caller's transaction; pushes are sent after commit (see ``outbox``).
"""

from notifications.kinds import Kind
from notifications.services.campaigns import (
    campaign_counts,
    campaign_create,
    campaign_fanout,
    campaigns_start_due,
)
from notifications.services.devices import (
    device_register,
    device_unregister,
    devices_deactivate_for_sessions,
    devices_deactivate_for_user,
)
from notifications.services.inbox import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_update,
)
from notifications.services.outbox import (
    Notice,
    deliveries_resend_due,
    notification_send,
    notification_text,
    notifications_push,
    notifications_send,
)
from notifications.services.prune import notifications_prune

__all__ = [
    "Kind",
    "Notice",
    "campaign_counts",
    "campaign_create",
    "campaign_fanout",
    "campaigns_start_due",
    "deliveries_resend_due",
    "device_register",
    "device_unregister",
    "devices_deactivate_for_sessions",
    "devices_deactivate_for_user",
    "notification_mark_read",
    "notification_send",
    "notification_text",
    "notifications_mark_all_read",
    "notifications_prune",
    "notifications_push",
    "notifications_send",
    "preference_update",
]
