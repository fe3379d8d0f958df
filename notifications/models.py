"""Push devices, the in-app inbox, preferences, the outbox of deliveries and campaigns.

``Notification`` and ``Delivery`` are hash-partitioned by insuree on PostgreSQL
(api/partitioning.py): they carry the recipient's ``insuree_id`` (no foreign key: this app
knows no insuree model), ``NO_INSUREE`` (0) for users without one (staff), whose few rows
share one partition. Every unique constraint includes it, and a delivery points at its
notification by ``(insuree_id, notification_id)`` in the database.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The partition key of a user without an insuree (support, clinic and agency staff).
NO_INSUREE = 0


def inbox_key(user: object) -> int:
    """The partition key of a user's inbox: their insuree, or ``NO_INSUREE`` for staff. Works
    on a user built from token claims (no query)."""
    return getattr(user, "insuree_id", None) or NO_INSUREE


class Category(models.TextChoices):
    SECURITY = "security", _("Security")
    CONTRIBUTIONS = "contributions", _("Contributions")
    BENEFITS = "benefits", _("Benefits")
    HEALTHCARD = "healthcard", _("Health card")
    CAMPAIGN = "campaign", _("Announcements")


class Language(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")


class Platform(models.TextChoices):
    ANDROID = "android", "Android"
    IOS = "ios", "iOS"
    WEB = "web", "Web"


class Device(models.Model):
    """A phone (or browser) that receives push messages for the session that registered it.
    Ending that session (logout, logout-all, revocation, support reset) deactivates it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices"
    )
    token = models.CharField(max_length=512, unique=True)
    platform = models.CharField(max_length=8, choices=Platform.choices)
    app_version = models.CharField(max_length=40, blank=True)
    locale = models.CharField(max_length=16, blank=True)
    # The login session the device belongs to; a plain UUID, sessions live in accounts.
    session_id = models.UUIDField(null=True, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(
                fields=["user"], condition=Q(is_active=True), name="device_active_user_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.token[:12]}…"


class Preference(models.Model):
    """Which categories are pushed and the language of notifications (absent row: all on,
    Vietnamese)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.VI)
    push_off = models.JSONField(default=list, blank=True)  # categories the user turned off
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["user"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.language}"


class CampaignStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class Campaign(models.Model):
    """A message from the agency to a segment of citizens, fanned out in batches."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.JSONField()  # {"vi": ..., "en": ...}
    body = models.JSONField()
    segment = models.JSONField()
    send_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Fan-out position: the last user id handed an inbox item, and how many so far.
    cursor = models.CharField(max_length=64, blank=True)
    targeted = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["status", "send_at"], name="campaign_due_idx"),
        ]

    def __str__(self) -> str:
        return str(self.title.get("vi", "")) if isinstance(self.title, dict) else str(self.id)


class Notification(models.Model):
    """One message in a user's inbox: a kind and its data; the text is rendered from the
    kind's templates in the reader's language (``title``/``body`` hold text only for rows
    written before kinds existed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The recipient's insuree (the partition key), NO_INSUREE for staff; set by the outbox.
    insuree_id = models.BigIntegerField(default=NO_INSUREE)
    kind = models.CharField(max_length=40)
    category = models.CharField(max_length=16, choices=Category.choices, default="")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Set for notices that must be sent once only (a card's expiry, a month's arrears).
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["created_at"], name="notification_created_idx"),  # pruning
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["insuree_id", "user", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One push of one notification to one device: the outbox row. Written with the
    notification, in the caller's transaction; a worker claims it, sends it and records the
    provider's message id, so a sent delivery is never sent again."""

    id = models.BigAutoField(primary_key=True)
    # In the database, (insuree_id, notification_id) references the partitioned notifications
    # (migration 0003); Django's own constraint on the id alone cannot exist there.
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", db_constraint=False
    )
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="deliveries")
    insuree_id = models.BigIntegerField(default=NO_INSUREE)  # the notification's
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the periodic task may pick the row up: the re-send delay of a new row, the backoff
    # of a transient failure, or the end of a claim's lease.
    next_attempt_at = models.DateTimeField()
    provider_message_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name_plural = "deliveries"
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_due_idx",
            ),
            models.Index(fields=["created_at"], name="delivery_created_idx"),  # pruning
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} -> {self.device_id} {self.status}"
