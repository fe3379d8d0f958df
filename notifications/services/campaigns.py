"""Campaigns: an agency message to a segment of citizens, fanned out in batches.

Who is in a segment is data of other apps (province and age in accounts, scheme in
contributions), which this app may not import: the module named by
``settings.NOTIFICATIONS_CAMPAIGN_AUDIENCE`` answers ``audience_errors(segment)`` and
``audience_page(segment, after, limit)`` (users with an account, ordered by user id, after a
cursor). Each batch is its own short transaction that locks the campaign row, reads the next
page after the stored cursor, writes the inbox rows and deliveries and moves the cursor: a
campaign to 100,000 citizens never holds one transaction or all its rows in memory, and a
worker that dies resumes from the cursor.
"""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from api.exceptions import ApplicationError
from notifications.error_codes import NotificationErrorCode
from notifications.kinds import Kind
from notifications.models import Campaign, CampaignStatus, Delivery, DeliveryStatus
from notifications.services.outbox import Notice, notifications_send


def _audience() -> ModuleType:
    return import_module(settings.NOTIFICATIONS_CAMPAIGN_AUDIENCE)


@transaction.atomic
def campaign_create(
    *,
    acting_user: Any,
    title: dict[str, str],
    body: dict[str, str],
    segment: dict[str, Any],
    send_at: datetime | None = None,
) -> Campaign:
    errors = _audience().audience_errors(segment)
    if errors:
        raise ApplicationError(
            code=NotificationErrorCode.CAMPAIGN_SEGMENT_INVALID,
            detail=_("The segment is not valid: %(errors)s") % {"errors": "; ".join(errors)},
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    campaign = Campaign.objects.create(
        title=title,
        body=body,
        segment=segment,
        send_at=send_at or timezone.now(),
        created_by=acting_user,
    )
    if campaign.send_at <= timezone.now():
        campaign_id = str(campaign.pk)
        transaction.on_commit(lambda: _enqueue(campaign_id), robust=True)
    return campaign


def _enqueue(campaign_id: str) -> None:
    from notifications.tasks import campaign_fanout_task  # tasks import this module

    campaign_fanout_task.delay(campaign_id)


def campaign_fanout(*, campaign_id: Any, batch_size: int | None = None) -> int:
    """Give every citizen of the segment an inbox item and a push, batch by batch."""
    size = batch_size or settings.NOTIFICATIONS_CAMPAIGN_BATCH
    total = 0
    while True:
        done = _campaign_batch(campaign_id=campaign_id, size=size)
        if not done:
            return total
        total += done


@transaction.atomic
def _campaign_batch(*, campaign_id: Any, size: int) -> int:
    campaign = (
        Campaign.objects.select_for_update(skip_locked=True)
        .filter(pk=campaign_id, status__in=[CampaignStatus.SCHEDULED, CampaignStatus.RUNNING])
        .first()
    )
    if campaign is None:
        return 0  # done, or another worker holds this batch
    now = timezone.now()
    page = _audience().audience_page(campaign.segment, after=campaign.cursor, limit=size)
    if not page:
        campaign.status, campaign.finished_at = CampaignStatus.DONE, now
        campaign.started_at = campaign.started_at or now
        campaign.save(update_fields=["status", "finished_at", "started_at"])
        return 0
    notices = [
        Notice(user_id=user_id, data={"campaign_id": str(campaign.pk)})
        for user_id, _insuree_id in page
    ]
    notifications_send(kind=Kind.CAMPAIGN, notices=notices, campaign=campaign)
    campaign.cursor = str(page[-1][0])
    campaign.targeted += len(page)
    campaign.status = CampaignStatus.RUNNING
    campaign.started_at = campaign.started_at or now
    campaign.save(update_fields=["cursor", "targeted", "status", "started_at"])
    return len(page)


def campaigns_start_due() -> int:
    """The periodic task: start scheduled campaigns whose time has come and resume running
    ones (a worker died mid-way; the cursor says where)."""
    due = list(
        Campaign.objects.filter(
            status__in=[CampaignStatus.SCHEDULED, CampaignStatus.RUNNING],
            send_at__lte=timezone.now(),
        ).values_list("pk", flat=True)
    )
    for campaign_id in due:
        _enqueue(str(campaign_id))
    return len(due)


def campaign_counts(*, campaign: Campaign) -> dict[str, int]:
    """Citizens targeted so far, and their pushes by state (one aggregate query)."""
    by_status = dict(
        Delivery.objects.filter(notification__campaign=campaign)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "targeted": campaign.targeted,
        "sent": by_status.get(DeliveryStatus.SENT, 0),
        "failed": by_status.get(DeliveryStatus.FAILED, 0),
        "pending": by_status.get(DeliveryStatus.PENDING, 0)
        + by_status.get(DeliveryStatus.SENDING, 0),
    }
