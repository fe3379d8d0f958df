"""Clinic verification of a scanned QR: the signed token, or the text of a paper card.

Hot path: the public keys come from process memory, the card and its facility from one
query, and an identifiable card costs one insert (the scan). The holder is told by a task
scheduled after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from healthcards.models import CardStatus, Facility, HealthCard, ScanEvent, ScanResult, ScanSource
from healthcards.paper import (
    PaperCardMalformed,
    birth_matches,
    looks_like_paper_card,
    name_key,
    paper_card_parse,
)
from healthcards.selectors import healthcard_get_by_number, healthcard_get_by_sin
from healthcards.services.cards import scan_notice
from healthcards.tasks import scan_notify_holder
from healthcards.tokens import TokenRejected, looks_like_jws, token_verify

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Verdict:
    result: str
    card: HealthCard | None = None
    scan: ScanEvent | None = None
    show_card: bool = True


def card_verify(*, text: str, operator: User, facility: Facility) -> Verdict:
    """Verify ``text`` as scanned at ``facility`` by ``operator``; log identifiable cards.
    Surrounding whitespace (scanners often append a line break) is ignored."""
    text = text.strip()
    if looks_like_jws(text):
        verdict = _verify_signed(text)
        source = ScanSource.SIGNED_QR
    elif looks_like_paper_card(text):
        verdict = _verify_paper(text)
        source = ScanSource.PAPER_CARD
    else:
        return Verdict(result=ScanResult.MALFORMED)
    if verdict.card is None:
        return verdict
    scan = scan_event_record(
        card=verdict.card, facility=facility, operator=operator, result=verdict.result,
        source=source,
    )  # fmt: skip
    return Verdict(result=verdict.result, card=verdict.card, scan=scan, show_card=verdict.show_card)


def _card_state(card: HealthCard) -> str | None:
    """The result a card's own state imposes, or None when it is valid today."""
    state = card.effective_status(timezone.localdate())
    return None if state == CardStatus.ACTIVE else state


def _verify_signed(text: str) -> Verdict:
    try:
        token = token_verify(text)
    except TokenRejected as rejected:
        return Verdict(result=rejected.result)
    card = healthcard_get_by_number(card_number=token.card_number)
    if card is None:
        return Verdict(result=ScanResult.UNKNOWN_CARD)
    state = _card_state(card)
    if state is not None:
        return Verdict(result=state, card=card)
    return Verdict(result=ScanResult.EXPIRED if token.expired else ScanResult.VALID, card=card)


def _verify_paper(text: str) -> Verdict:
    try:
        paper = paper_card_parse(text)
    except PaperCardMalformed:
        return Verdict(result=ScanResult.MALFORMED)
    if paper.card_number is not None:
        card = healthcard_get_by_number(card_number=paper.card_number)
    else:
        card = healthcard_get_by_sin(social_insurance_number=paper.social_insurance_number or "")
    if card is None:
        return Verdict(result=ScanResult.UNKNOWN_CARD)
    holder = card.insuree
    if name_key(paper.full_name) != name_key(holder.full_name) or not birth_matches(
        paper.birth_text, holder.date_of_birth
    ):
        return Verdict(result=ScanResult.MISMATCH, card=card, show_card=False)
    return Verdict(result=_card_state(card) or ScanResult.VALID, card=card)


def scan_event_record(
    *, card: HealthCard, facility: Facility, operator: User, result: str, source: str
) -> ScanEvent:
    """Log the scan. With HEALTHCARD_SCAN_NOTIFY_BATCHED (production) the holder is told by
    the ``scans_notify_pending`` beat task, so a verify never waits on, nor fails with, the
    broker; otherwise (no worker: development) by a task right after commit, whose failure
    (broker down) is logged and does not fail the verify."""
    now = timezone.now()
    batched = settings.HEALTHCARD_SCAN_NOTIFY_BATCHED
    scan = ScanEvent.objects.create(
        card=card,
        insuree_id=card.insuree_id,
        facility=facility,
        operator=operator,
        scanned_at=now,
        result=result,
        source=source,
        notified_at=None if batched else now,
    )
    if not batched:
        notice = scan_notice(scan, card, facility)
        transaction.on_commit(lambda: scan_notify_holder.delay(notice), robust=True)
    return scan
