"""Writes about cards: issuing, the holder's "this scan was not me", support reinstating."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import status

from accounts.selectors import user_ids_by_insuree_ids
from accounts.services import audit_event_record
from api.exceptions import ApplicationError
from healthcards.beneficiaries import card_number_compose
from healthcards.error_codes import HealthCardErrorCode
from healthcards.models import (
    CardCase,
    CardCaseKind,
    CardCaseStatus,
    CardStatus,
    Facility,
    HealthCard,
    ScanEvent,
)
from healthcards.selectors import healthcard_watcher_user_ids
from healthcards.services.qr import card_qr_forget
from notifications.services import Kind, Notice, notifications_send

if TYPE_CHECKING:
    from accounts.models import Insuree, User

NOT_ME_REASON = "not_me"


@transaction.atomic
def card_issue(
    *,
    insuree: Insuree,
    beneficiary_group: str,
    benefit_level: int,
    registered_facility: Facility,
    valid_from: date,
    valid_to: date | None = None,
    five_year_date: date | None = None,
    issued_on: date | None = None,
    province_code: str | None = None,
) -> HealthCard:
    """Issue a card; the number is composed from its parts and checked by ``clean``."""
    province = province_code or insuree.province_id
    card = HealthCard(
        insuree=insuree,
        card_number=card_number_compose(
            group=beneficiary_group,
            benefit_level=benefit_level,
            province_code=province,
            sin=insuree.social_insurance_number,
        ),
        beneficiary_group=beneficiary_group,
        benefit_level=benefit_level,
        province_code=province,
        registered_facility=registered_facility,
        valid_from=valid_from,
        valid_to=valid_to,
        five_year_date=five_year_date,
        issued_on=issued_on or timezone.localdate(),
    )
    card.full_clean()
    card.save()
    return card


def scan_notice(scan: ScanEvent, card: HealthCard, facility: Facility) -> dict[str, Any]:
    """The data of the holder's notification (the text lives with the kind)."""
    return {
        "scan_id": str(scan.pk),
        "card_id": str(card.pk),
        "card_number": card.card_number,
        "holder_name": card.insuree.full_name,
        "facility_code": facility.code,
        "facility_name": facility.name,
        "scanned_at": scan.scanned_at.isoformat(),
        "result": scan.result,
    }


@transaction.atomic
def scans_notify_pending(*, limit: int = 500) -> int:
    """Tell holders about scans not notified yet, oldest first, at most ``limit`` of them;
    return how many. Rows are locked with SKIP LOCKED (PostgreSQL), so overlapping runs
    never notify a scan twice. The only path for scan notices: clinic verify never waits on
    the broker."""
    scans = list(
        ScanEvent.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("card__insuree", "facility")
        .filter(notified_at__isnull=True)
        .order_by("scanned_at")[:limit]
    )
    # Holders with accounts in one query; only account-less holders (children) are looked up
    # one by one, for the parents who see their card.
    holders = user_ids_by_insuree_ids(insuree_ids=sorted({scan.insuree_id for scan in scans}))
    notices: list[Notice] = []
    for scan in scans:
        data = scan_notice(scan, scan.card, scan.facility)
        holder = holders.get(scan.insuree_id)
        watchers = [holder] if holder is not None else _scan_watchers(scan)
        notices.extend(Notice(user_id=user_id, data=data) for user_id in watchers)
    notifications_send(kind=Kind.HEALTHCARD_SCANNED, notices=notices)
    ScanEvent.objects.filter(pk__in=[scan.pk for scan in scans]).update(notified_at=timezone.now())
    return len(scans)


def _scan_watchers(scan: ScanEvent) -> list[object]:
    return healthcard_watcher_user_ids(card_id=str(scan.card_id), insuree_id=scan.insuree_id)


@transaction.atomic
def card_scan_report_not_me(
    *, card: HealthCard, scan: ScanEvent, user: User, comment: str = "", ip: str | None = None
) -> CardCase:
    """The holder says a scan was not theirs: suspend the card (QR issuance and verification),
    revoke every QR issued so far and the paper card's text, and open a support case, audited
    in the same transaction."""
    if CardCase.objects.filter(scan=scan).exists():
        raise ApplicationError(
            code=HealthCardErrorCode.SCAN_ALREADY_REPORTED,
            detail=gettext("This scan has already been reported."),
            status_code=status.HTTP_409_CONFLICT,
        )
    card = HealthCard.objects.select_for_update().get(pk=card.pk)
    suspended = card.status == CardStatus.ACTIVE
    if suspended:
        card.status = CardStatus.SUSPENDED
        card.suspended_reason = NOT_ME_REASON
    # Every QR issued so far is dead for good (a reactivated card gets new ones), and so is
    # the paper card's unsigned text.
    card.qr_generation += 1
    card.paper_qr_revoked_at = card.paper_qr_revoked_at or timezone.now()
    card.save(
        update_fields=[
            "status", "suspended_reason", "qr_generation", "paper_qr_revoked_at", "updated_at"
        ]
    )  # fmt: skip
    case = CardCase.objects.create(
        card=card,
        insuree_id=card.insuree_id,
        scan=scan,
        kind=CardCaseKind.NOT_ME,
        opened_by=user,
        comment=comment,
    )
    audit_event_record(
        action="healthcard.scan_not_me",
        actor=user,
        target_insuree=card.insuree,
        object_type="healthcard",
        object_id=str(card.pk),
        ip=ip,
        data={"scan_id": str(scan.pk), "case_id": str(case.pk), "suspended": suspended},
    )
    transaction.on_commit(lambda: card_qr_forget(card=card))
    return case


@transaction.atomic
def card_reinstate_by_support(
    *, card: HealthCard, acting_user: User, reason: str, ip: str | None = None
) -> HealthCard:
    """Support clears a suspension and resolves the card's open cases."""
    card = HealthCard.objects.select_for_update().select_related("insuree").get(pk=card.pk)
    if card.status != CardStatus.SUSPENDED:
        raise ApplicationError(
            code=HealthCardErrorCode.CARD_NOT_SUSPENDED,
            detail=gettext("Only a suspended card can be reinstated."),
            status_code=status.HTTP_409_CONFLICT,
        )
    card.status = CardStatus.ACTIVE
    previous_reason, card.suspended_reason = card.suspended_reason, ""
    card.save(update_fields=["status", "suspended_reason", "updated_at"])
    resolved = CardCase.objects.filter(card=card, status=CardCaseStatus.OPEN).update(
        status=CardCaseStatus.RESOLVED,
        resolved_by=acting_user,
        resolution=reason,
        resolved_at=timezone.now(),
    )
    audit_event_record(
        action="healthcard.reinstate",
        actor=acting_user,
        target_insuree=card.insuree,
        object_type="healthcard",
        object_id=str(card.pk),
        reason=reason,
        ip=ip,
        data={"suspended_reason": previous_reason, "cases_resolved": resolved},
    )
    return card


@transaction.atomic
def card_status_set(*, card: HealthCard, status_value: str, reason: str = "") -> HealthCard:
    """Agency-side status change (revocation, expiry); used by admin actions and tests."""
    card.status = status_value
    card.suspended_reason = reason if status_value == CardStatus.SUSPENDED else ""
    card.save(update_fields=["status", "suspended_reason", "updated_at"])
    transaction.on_commit(lambda: card_qr_forget(card=card))
    return card


def _cards_qr_forget(cards: list[HealthCard]) -> None:
    for card in cards:
        card_qr_forget(card=card)


def card_five_year_dates_set(*, dates: dict[int, date | None]) -> int:
    """Store on each insuree's cards the date five consecutive years of health insurance
    were reached, as derived from the contribution records (``insuree id -> date``, None
    when not reached); answers how many cards changed. One update per distinct date, and the
    changed cards' reusable QR tokens are dropped (the token carries the date)."""
    by_date: dict[date | None, list[int]] = {}
    for insuree_id, reached in dates.items():
        by_date.setdefault(reached, []).append(insuree_id)
    changed = 0
    with transaction.atomic():
        for reached, insuree_ids in by_date.items():
            for start in range(0, len(insuree_ids), 5000):
                cards = HealthCard.objects.filter(insuree_id__in=insuree_ids[start : start + 5000])
                stale = (
                    cards.exclude(five_year_date=reached)
                    if reached
                    else cards.filter(five_year_date__isnull=False)
                )
                stale_cards = list(stale.only("id", "card_number"))
                if not stale_cards:
                    continue
                HealthCard.objects.filter(pk__in=[card.pk for card in stale_cards]).update(
                    five_year_date=reached, updated_at=timezone.now()
                )
                transaction.on_commit(partial(_cards_qr_forget, stale_cards))
                changed += len(stale_cards)
    return changed


def cards_expiring_notify(*, today: date | None = None, chunk: int = 1000) -> int:
    """Daily: tell holders (or a child's parents) of active cards that expire within
    ``HEALTHCARD_EXPIRY_NOTICE_DAYS``, once per card per expiry date (a dedupe key), in
    chunks of ``chunk`` cards, each its own transaction."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.HEALTHCARD_EXPIRY_NOTICE_DAYS)
    cards = (
        HealthCard.objects.filter(
            status=CardStatus.ACTIVE, valid_to__gt=today, valid_to__lte=horizon
        )
        .select_related("insuree")
        .order_by("pk")
    )
    told, after = 0, None
    while True:
        page = list((cards.filter(pk__gt=after) if after is not None else cards)[:chunk])
        if not page:
            return told
        told += _cards_expiring_notify_page(page)
        after = page[-1].pk


@transaction.atomic
def _cards_expiring_notify_page(cards: list[HealthCard]) -> int:
    holders = user_ids_by_insuree_ids(insuree_ids=sorted({card.insuree_id for card in cards}))
    notices: list[Notice] = []
    for card in cards:
        holder = holders.get(card.insuree_id)
        watchers = (
            [holder]
            if holder is not None
            else healthcard_watcher_user_ids(card_id=str(card.pk), insuree_id=card.insuree_id)
        )
        data = {
            "card_id": str(card.pk),
            "card_number": card.card_number,
            "holder_name": card.insuree.full_name,
            "valid_to": card.valid_to.isoformat() if card.valid_to else "",
        }
        key = f"healthcard_expiring:{card.pk}:{data['valid_to']}"
        notices.extend(Notice(user_id=user_id, data=data, dedupe_key=key) for user_id in watchers)
    return len(notifications_send(kind=Kind.HEALTHCARD_EXPIRING, notices=notices))
