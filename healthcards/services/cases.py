"""After "not me": the holder gets a new QR by a code sent to the phone on file, and support
works through the queue of open cases."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import status

from accounts.services import (
    ChallengeStarted,
    OtpPurpose,
    audit_event_record,
    otp_challenge_redeem_for_user,
    otp_challenge_start_for_user,
    otp_error,
)
from api.exceptions import ApplicationError
from healthcards.error_codes import HealthCardErrorCode
from healthcards.models import CardCase, CardCaseStatus, CardStatus, HealthCard
from healthcards.services.cards import NOT_ME_REASON
from healthcards.services.qr import card_qr_forget


def _not_reactivatable() -> ApplicationError:
    return ApplicationError(
        code=HealthCardErrorCode.CARD_NOT_REACTIVATABLE,
        detail=gettext("Only a card suspended after a reported scan can be reactivated."),
        status_code=status.HTTP_409_CONFLICT,
    )


def _reactivatable(card: HealthCard) -> bool:
    return card.status == CardStatus.SUSPENDED and card.suspended_reason == NOT_ME_REASON


def card_reactivate_start(*, card: HealthCard, user: Any, ip: str | None) -> ChallengeStarted:
    """Send a code to the signed-in citizen's phone on file (the holder's, or the parent's
    for a child's card), with the OTP rules of activation."""
    if not _reactivatable(card):
        raise _not_reactivatable()
    return otp_challenge_start_for_user(purpose=OtpPurpose.CARD_REACTIVATION, user=user, ip=ip)


def card_reactivate_verify(
    *, card: HealthCard, user: Any, challenge_id: Any, otp: str, ip: str | None
) -> HealthCard:
    """With the right code the card is active again: new QRs verify, QRs issued before the
    "not me" stay revoked, the paper text stays refused, and the case stays open for support."""
    error, card = _card_reactivate(card=card, user=user, challenge_id=challenge_id, otp=otp, ip=ip)
    if error:
        raise otp_error(error)
    return card


@transaction.atomic
def _card_reactivate(
    *, card: HealthCard, user: Any, challenge_id: Any, otp: str, ip: str | None
) -> tuple[str, HealthCard]:
    card = HealthCard.objects.select_for_update().select_related("insuree").get(pk=card.pk)
    if not _reactivatable(card):
        raise _not_reactivatable()
    error = otp_challenge_redeem_for_user(
        purpose=OtpPurpose.CARD_REACTIVATION, challenge_id=challenge_id, user=user, code=otp
    )
    if error:
        return error, card  # the wrong try is committed with the transaction
    card.status, card.suspended_reason = CardStatus.ACTIVE, ""
    card.save(update_fields=["status", "suspended_reason", "updated_at"])
    open_cases = list(
        CardCase.objects.filter(card=card, status=CardCaseStatus.OPEN).values_list("pk", flat=True)
    )
    audit_event_record(
        action="healthcard.reactivate",
        actor=user,
        target_insuree=card.insuree,
        object_type="healthcard",
        object_id=str(card.pk),
        ip=ip,
        data={"qr_generation": card.qr_generation, "open_cases": [str(pk) for pk in open_cases]},
    )
    transaction.on_commit(lambda: card_qr_forget(card=card))
    return "", card


@transaction.atomic
def card_case_close_by_support(
    *, case: CardCase, acting_user: Any, reason: str, ip: str | None = None
) -> CardCase:
    """Close an open case after review. The card is left as it is: reinstating a suspended
    card is its own action (``card_reinstate_by_support``)."""
    case = CardCase.objects.select_for_update().select_related("card__insuree").get(pk=case.pk)
    if case.status != CardCaseStatus.OPEN:
        raise ApplicationError(
            code=HealthCardErrorCode.CASE_NOT_OPEN,
            detail=gettext("This case is already closed."),
            status_code=status.HTTP_409_CONFLICT,
        )
    case.status = CardCaseStatus.RESOLVED
    case.resolved_by = acting_user
    case.resolution = reason
    case.resolved_at = timezone.now()
    case.save(update_fields=["status", "resolved_by", "resolution", "resolved_at"])
    audit_event_record(
        action="healthcard.case_close",
        actor=acting_user,
        target_insuree=case.card.insuree,
        object_type="cardcase",
        object_id=str(case.pk),
        reason=reason,
        ip=ip,
        data={"card_id": str(case.card_id), "card_status": case.card.status},
    )
    return case


def card_case_queue_viewed(*, acting_user: Any, count: int, ip: str | None = None) -> None:
    """Record that support read the queue of open cases (who looked, when, how many)."""
    audit_event_record(
        action="healthcard.cases_list",
        actor=acting_user,
        object_type="cardcase",
        ip=ip,
        data={"count": count},
    )
