"""Benefit payments: recorded, and announced to the citizen once paid."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.selectors import user_ids_by_insuree_ids
from contributions.models import (
    BenefitPayment,
    BenefitStatus,
)
from notifications.services import Kind, notification_send


@transaction.atomic
def benefit_payment_record(
    *,
    insuree_id: int,
    kind: str,
    period_from: date,
    period_to: date,
    amount: int,
    paid_on: date,
    method: str,
    decision_number: str,
    status: str = BenefitStatus.PAID,
) -> BenefitPayment:
    """Record a benefit payment; a paid one is announced to the citizen (kind
    ``benefit_paid``) in the same transaction."""
    payment = BenefitPayment(
        insuree_id=insuree_id,
        kind=kind,
        period_from=period_from,
        period_to=period_to,
        amount=amount,
        paid_on=paid_on,
        method=method,
        decision_number=decision_number,
        status=status,
    )
    payment.full_clean()
    payment.save()
    user_id = user_ids_by_insuree_ids(insuree_ids=[insuree_id]).get(insuree_id)
    if status == BenefitStatus.PAID and user_id is not None:
        notification_send(
            user_id=user_id,
            kind=Kind.BENEFIT_PAID,
            data={
                "benefit_id": payment.pk,
                "benefit_kind": kind,
                "amount": amount,
                "paid_on": paid_on.isoformat(),
            },
        )
    return payment
