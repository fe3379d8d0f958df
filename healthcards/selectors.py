"""Reads about health cards, their scans, and the access gates for citizens."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from accounts.selectors import (
    household_dependents,
    household_member_relation,
    household_members,
    insuree_get_by_identifier,
    user_ids_by_insuree_ids,
)
from api.precompiled import PrecompiledLookup
from healthcards.models import (
    CardCase,
    CardCaseKind,
    CardCaseStatus,
    ClinicOperator,
    Facility,
    HealthCard,
    ScanEvent,
)

OPERATOR_CACHE_SIZE = 10_000

# The verify and QR hot paths: a card with its holder and registered facility in one
# statement compiled once per thread (api/precompiled.py).
_CARD_BY_NUMBER = PrecompiledLookup(
    HealthCard, "card_number", related=("insuree", "registered_facility"), marker="~"
)
_CARD_BY_ID = PrecompiledLookup(
    HealthCard, "id", related=("insuree", "registered_facility"), marker=uuid.UUID(int=0)
)


@dataclass(frozen=True)
class CardView:
    card: HealthCard
    relation: str


def _viewer_insurees(user: object) -> list:
    viewer = getattr(user, "insuree", None)
    if viewer is None:
        return []
    return [viewer, *household_dependents(insuree=viewer)]


def healthcard_list_for_viewer(*, user: object) -> list[CardView]:
    """The viewer's cards and their minor children's, each with its relation to the viewer."""
    people = _viewer_insurees(user)
    if not people:
        return []
    viewer = people[0]
    by_id = {person.pk: person for person in people}
    cards = (
        HealthCard.objects.filter(insuree_id__in=list(by_id))
        .select_related("registered_facility")
        .order_by("insuree_id", "-issued_on", "card_number")
    )
    views = []
    for card in cards:
        card.insuree = by_id[card.insuree_id]
        views.append(
            CardView(
                card=card, relation=household_member_relation(viewer=viewer, member=card.insuree)
            )
        )
    rank = {person.pk: index for index, person in enumerate(people)}
    return sorted(views, key=lambda view: rank[view.card.insuree_id])


def _uuid_or_404(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404 from error


def access_healthcard_by_id(*, user: object, card_id: object) -> HealthCard:
    """A card of the viewer or of one of their minor children; anything else is 404.
    The viewer's own card costs one query; only someone else's card looks at the household."""
    key = _uuid_or_404(card_id)
    viewer_id = getattr(user, "insuree_id", None)
    card = _CARD_BY_ID.first(key)
    if card is None or viewer_id is None:
        raise Http404
    if card.insuree_id == viewer_id:
        return card
    if not any(person.pk == card.insuree_id for person in _viewer_insurees(user)[1:]):
        raise Http404
    return card


def healthcard_get_for_support(*, card_id: object) -> HealthCard:
    key = _uuid_or_404(card_id)
    card = HealthCard.objects.select_related("insuree").filter(pk=key).first()
    if card is None:
        raise Http404
    return card


def healthcard_get_by_number(*, card_number: str) -> HealthCard | None:
    """One query: the card, its holder and registered facility (the verify hot path)."""
    return _CARD_BY_NUMBER.first(card_number)


def healthcard_get_by_sin(*, social_insurance_number: str) -> HealthCard | None:
    """The holder's most recently issued card, by social insurance number (2023 paper QR)."""
    return (
        HealthCard.objects.select_related("insuree", "registered_facility")
        .filter(insuree__social_insurance_number=social_insurance_number)
        .order_by("-issued_on", "-created_at")
        .first()
    )


def healthcard_get_for_person(*, identifier: str) -> HealthCard | None:
    """The person's most recently issued card, by national ID or social insurance number
    (identity-card QR, typed lookup). Two queries: the person (through accounts), the card."""
    insuree = insuree_get_by_identifier(identifier=identifier)
    if insuree is None:
        return None
    card = (
        HealthCard.objects.select_related("registered_facility")
        .filter(insuree_id=insuree.pk)
        .order_by("-issued_on", "-created_at")
        .first()
    )
    if card is not None:
        card.insuree = insuree
    return card


def scan_list_for_card(*, card: HealthCard) -> QuerySet[ScanEvent]:
    return (
        ScanEvent.objects.filter(card_id=card.pk, insuree_id=card.insuree_id)
        .select_related("facility")
        .order_by("-scanned_at", "-id")
    )


def scan_list_for_facility(*, facility: Facility) -> QuerySet[ScanEvent]:
    """A facility's own scans, newest first, with what its desk list shows."""
    return (
        ScanEvent.objects.filter(facility_id=facility.pk)
        .select_related("card__insuree", "operator")
        .order_by("-scanned_at", "-id")
    )


def card_case_queue() -> QuerySet[CardCase]:
    """Open "not me" cases, oldest first: support's queue."""
    return (
        CardCase.objects.filter(status=CardCaseStatus.OPEN, kind=CardCaseKind.NOT_ME)
        .select_related("card__insuree", "scan__facility")
        .order_by("created_at", "id")
    )


def card_case_list_for_insurees(*, insuree_ids: list[int]) -> QuerySet[CardCase]:
    """Open cases about these people's cards (the support console's account page)."""
    return (
        CardCase.objects.filter(insuree_id__in=insuree_ids, status=CardCaseStatus.OPEN)
        .select_related("card", "scan__facility")
        .order_by("created_at", "id")
    )


def access_card_case_for_support(*, case_id: object) -> CardCase:
    key = _uuid_or_404(case_id)
    case = CardCase.objects.select_related("card__insuree").filter(pk=key).first()
    if case is None:
        raise Http404
    return case


def healthcard_list_for_insurees(*, insuree_ids: list[int]) -> QuerySet[HealthCard]:
    return (
        HealthCard.objects.filter(insuree_id__in=insuree_ids)
        .select_related("registered_facility")
        .order_by("insuree_id", "-issued_on", "card_number")
    )


def access_scan_by_id(*, card: HealthCard, scan_id: object) -> ScanEvent:
    key = _uuid_or_404(scan_id)
    scan = ScanEvent.objects.filter(pk=key, card_id=card.pk, insuree_id=card.insuree_id).first()
    if scan is None:
        raise Http404
    return scan


_operator_facilities: dict[object, tuple[float, Facility | None]] = {}


def clinic_facility_for_user(*, user: object) -> Facility | None:
    """The facility a clinic user acts for, remembered in process memory for
    HEALTHCARD_OPERATOR_CACHE_SECONDS: the verify hot path then queries only the card."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return None
    now = time.monotonic()
    cached = _operator_facilities.get(user_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    operator = ClinicOperator.objects.select_related("facility").filter(user_id=user_id).first()
    facility = operator.facility if operator is not None else None
    if len(_operator_facilities) > OPERATOR_CACHE_SIZE:
        _operator_facilities.clear()
    ttl = settings.HEALTHCARD_OPERATOR_CACHE_SECONDS
    _operator_facilities[user_id] = (now + ttl, facility)
    return facility


def clinic_facility_forget() -> None:
    _operator_facilities.clear()


def healthcard_watcher_user_ids(*, card_id: str, insuree_id: int) -> list[object]:
    """Users to tell about a card: its holder, or for a minor without an account the
    household members who may act for them (their parents)."""
    own = user_ids_by_insuree_ids(insuree_ids=[insuree_id])
    if own:
        return list(own.values())
    card = HealthCard.objects.select_related("insuree").filter(pk=card_id).first()
    if card is None:
        return []
    holder = card.insuree
    guardians = [
        member.pk
        for member in household_members(insuree=holder)
        if member.pk != holder.pk
        and any(dependent.pk == holder.pk for dependent in household_dependents(insuree=member))
    ]
    if not guardians:
        return []
    return list(user_ids_by_insuree_ids(insuree_ids=guardians).values())
