"""Clinic verification: a scanned QR (the signed token, a paper card's text, the chip-based
identity card's text) or a number typed at the desk with the date of birth.

Hot path: the public keys come from process memory, the card and its facility from one
query, and an identifiable card costs one insert (the scan). The holder is told by a task
scheduled after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from accounts.selectors import identifier_kind
from healthcards.id_card import IdCardMalformed, id_card_parse, looks_like_id_card
from healthcards.models import CardStatus, Facility, HealthCard, ScanEvent, ScanResult, ScanSource
from healthcards.paper import (
    PaperCardMalformed,
    birth_matches,
    looks_like_paper_card,
    name_key,
    paper_card_parse,
)
from healthcards.selectors import (
    healthcard_get_by_number,
    healthcard_get_by_sin,
    healthcard_get_for_person,
)
from healthcards.tokens import TokenRejected, looks_like_jws, token_alive_at, token_verify


@dataclass(frozen=True)
class Verdict:
    result: str
    card: HealthCard | None = None
    scan: ScanEvent | None = None
    show_card: bool = True
    # signed_qr, paper_card, id_card or typed; None only for text of no known layout.
    source: str | None = None
    # When the scan happened, for a queued offline scan whose token vouches for that time.
    scanned_at: datetime | None = None


def card_verify(
    *, text: str, operator: Any, facility: Facility, scanned_at: datetime | None = None
) -> Verdict:
    """Verify ``text`` as scanned at ``facility`` by ``operator``; log identifiable cards.
    Surrounding whitespace (scanners often append a line break) is ignored.

    ``scanned_at`` (a scan the desk queued while offline) counts only for a signed token
    that was alive then (between its ``iat`` and ``exp``): its expiry is judged at that moment
    and the scan is logged at it. Otherwise, and for unsigned texts, the scan is logged now.
    The card's own status is always today's."""
    text = text.strip()
    if looks_like_jws(text):
        verdict, source = _verify_signed(text, scanned_at), ScanSource.SIGNED_QR
    elif looks_like_paper_card(text):
        verdict, source = _verify_paper(text), ScanSource.PAPER_CARD
    elif looks_like_id_card(text):
        verdict, source = _verify_id_card(text), ScanSource.ID_CARD
    else:
        return Verdict(result=ScanResult.MALFORMED)
    return _verdict_logged(verdict, source=source, operator=operator, facility=facility)


def card_verify_typed(
    *, identifier: str, field: str, date_of_birth: date, operator: Any, facility: Facility
) -> Verdict:
    """A number typed at the desk with the date of birth: ``field`` ``national_id`` (12
    digits) or ``social_insurance_number`` (10 digits, or the 12-digit national ID that has
    served as one since 2025). The person's current card; ``mismatch`` (record hidden) when
    the date of birth differs; ``malformed`` when the number is not a well-formed one."""
    identifier = "".join(identifier.split())  # "001 190 012 345" as typed from the card
    kind = identifier_kind(value=identifier)
    if kind is None or (field == "national_id" and kind != "national_id"):
        return Verdict(result=ScanResult.MALFORMED, source=ScanSource.TYPED)
    card = healthcard_get_for_person(identifier=identifier)
    verdict = _verdict_for_person(card, name=None, born=date_of_birth)
    return _verdict_logged(verdict, source=ScanSource.TYPED, operator=operator, facility=facility)


def _verdict_logged(verdict: Verdict, *, source: str, operator: Any, facility: Facility) -> Verdict:
    """The verdict with its source; an identifiable card's scan is logged (the holder sees it)."""
    if verdict.card is None:
        return replace(verdict, source=source)
    scan = scan_event_record(
        card=verdict.card, facility=facility, operator=operator, result=verdict.result,
        source=source, scanned_at=verdict.scanned_at,
    )  # fmt: skip
    return replace(verdict, scan=scan, source=source)


def _verdict_for_person(card: HealthCard | None, *, name: str | None, born: date) -> Verdict:
    """Compare what the desk has (name when read from a card, date of birth) with the record
    behind the person's current card; then the card's own state decides."""
    if card is None:
        return Verdict(result=ScanResult.UNKNOWN_CARD)
    holder = card.insuree
    if (name is not None and name_key(name) != name_key(holder.full_name)) or (
        born != holder.date_of_birth
    ):
        return Verdict(result=ScanResult.MISMATCH, card=card, show_card=False)
    return Verdict(result=_card_state(card) or ScanResult.VALID, card=card)


def _verify_id_card(text: str) -> Verdict:
    try:
        id_card = id_card_parse(text)
    except IdCardMalformed:
        return Verdict(result=ScanResult.MALFORMED)
    card = healthcard_get_for_person(identifier=id_card.national_id)
    return _verdict_for_person(card, name=id_card.full_name, born=id_card.date_of_birth)


def _card_state(card: HealthCard) -> str | None:
    """The result a card's own state imposes, or None when it is valid today."""
    state = card.effective_status(timezone.localdate())
    return None if state == CardStatus.ACTIVE else state


def _verify_signed(text: str, scanned_at: datetime | None) -> Verdict:
    try:
        token = token_verify(text)
    except TokenRejected as rejected:
        return Verdict(result=rejected.result)
    card = healthcard_get_by_number(card_number=token.card_number)
    if card is None:
        return Verdict(result=ScanResult.UNKNOWN_CARD)
    # A queued scan's time counts where the token vouches for it (alive then).
    when = scanned_at if scanned_at is not None and token_alive_at(token, scanned_at) else None
    state = _card_state(card)
    if state is not None:
        return Verdict(result=state, card=card, scanned_at=when)
    if token.generation < card.qr_generation:  # issued before a "not me"
        return Verdict(result=ScanResult.REVOKED, card=card, scanned_at=when)
    expired = token.expired and when is None
    return Verdict(
        result=ScanResult.EXPIRED if expired else ScanResult.VALID, card=card, scanned_at=when
    )


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
    state = _card_state(card)
    if state is None and card.paper_qr_revoked_at is not None:  # since a "not me"
        state = ScanResult.REVOKED
    return Verdict(result=state or ScanResult.VALID, card=card)


def scan_event_record(
    *,
    card: HealthCard,
    facility: Facility,
    operator: Any,
    result: str,
    source: str,
    scanned_at: datetime | None = None,
) -> ScanEvent:
    """Log the scan. The holder is told by the ``scans_notify_pending`` beat task (batched),
    so a verify never waits on, nor fails with, the broker.

    A queued offline scan (``scanned_at`` given) sent again, because the desk never saw the
    first answer, is the same scan: it is returned, not logged nor told twice."""
    if scanned_at is not None:
        already = ScanEvent.objects.filter(
            insuree_id=card.insuree_id, card=card, operator=operator, scanned_at=scanned_at
        ).first()
        if already is not None:
            return already
    return ScanEvent.objects.create(
        card=card,
        insuree_id=card.insuree_id,
        facility=facility,
        operator=operator,
        scanned_at=scanned_at or timezone.now(),
        result=result,
        source=source,
        notified_at=None,
    )
