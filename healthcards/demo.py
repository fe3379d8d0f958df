"""Demo facilities, the clinic operator's link to facility 01001, a card for every demo person
(the child's in group TE at benefit level 1), a few scans; and cards for synthetic citizens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accounts.selectors import insuree_get_by_identifier, user_find_by_identifier
from api.demo import DemoContext
from healthcards.beneficiaries import GROUP_BENEFIT_LEVEL, card_number_compose
from healthcards.models import (
    ClinicOperator,
    Facility,
    FacilityLevel,
    HealthCard,
    ScanEvent,
    ScanResult,
    ScanSource,
)
from healthcards.services.cards import card_issue

DEMO_FACILITIES = [
    ("01001", "Bệnh viện Đa khoa Đống Đa", "01", FacilityLevel.DISTRICT),
    ("01C54", "Trạm Y tế phường Láng Hạ", "01", FacilityLevel.COMMUNE),
    ("01002", "Bệnh viện Trung ương Thủ đô", "01", FacilityLevel.CENTRAL),
    ("79012", "Bệnh viện Nhân dân Gia Định", "79", FacilityLevel.PROVINCIAL),
    ("40017", "Trung tâm Y tế huyện Nghi Lộc", "40", FacilityLevel.DISTRICT),
    ("48001", "Bệnh viện Đa khoa Đà Nẵng", "48", FacilityLevel.PROVINCIAL),
]
# social insurance number -> group, benefit level, registered facility, five-year date as
# the seeded health-insurance records give it (contributions.five_years; a test checks they
# agree): Lan has none in 2019, so her run restarts in 2020-01; Minh has paid since 2014-01;
# Bảo since 2022-09 (reached in 2027-09, shown from then on).
DEMO_CARDS = [
    ("0123456789", "DN", 4, "01001", date(2025, 1, 1)),  # employee of an enterprise
    ("0123456790", "DN", 4, "01C54", date(2019, 1, 1)),
    ("0123456791", "TE", 1, "01C54", date(2027, 9, 1)),
]
# (card holder, facility, days ago, hour, result)
DEMO_SCANS = [
    ("0123456789", "01001", 40, 9, ScanResult.VALID),
    ("0123456789", "01002", 12, 14, ScanResult.VALID),
    ("0123456789", "01001", 2, 8, ScanResult.VALID),
    ("0123456791", "01001", 5, 10, ScanResult.VALID),
]
# each with the benefit level its group carries (HN 2, HT 3, CN 3, the others 4)
SYNTHETIC_GROUPS = [(group, GROUP_BENEFIT_LEVEL[group]) for group in
                    ("DN", "DN", "HC", "GD", "HN", "HT", "CN")]  # fmt: skip


def seed_demo(ctx: DemoContext) -> None:
    for code, name, province_code, level in DEMO_FACILITIES:
        Facility.objects.get_or_create(
            code=code, defaults={"name": name, "province_code": province_code, "level": level}
        )
    operator = user_find_by_identifier(identifier="clinic.demo")
    if operator is not None:
        ClinicOperator.objects.get_or_create(
            user=operator, defaults={"facility": Facility.objects.get(code="01001")}
        )
    cards = _demo_cards(ctx)
    if operator is not None:
        _demo_scans(cards, operator)


def _demo_cards(ctx: DemoContext) -> dict[str, HealthCard]:
    cards = {}
    for sin, group, level, facility_code, five_year in DEMO_CARDS:
        insuree = insuree_get_by_identifier(identifier=sin)
        if insuree is None:
            continue
        number = card_number_compose(
            group=group, benefit_level=level, province_code=insuree.province_id, sin=sin
        )
        card = HealthCard.objects.filter(card_number=number).first()
        if card is None:
            card = card_issue(
                insuree=insuree,
                beneficiary_group=group,
                benefit_level=level,
                registered_facility=Facility.objects.get(code=facility_code),
                valid_from=date(ctx.today.year, 1, 1),
                valid_to=_valid_to(group, insuree.date_of_birth, ctx.today),
                five_year_date=five_year if five_year <= ctx.today else None,
                issued_on=date(ctx.today.year - 1, 12, 20),
            )
        cards[sin] = card
    return cards


def _valid_to(group: str, born: date, today: date) -> date:
    """Children's cards (TE) run to the day before their sixth birthday."""
    if group == "TE":
        return date(born.year + 6, born.month, born.day) - timedelta(days=1)
    return date(today.year, 12, 31)


def _demo_scans(cards: dict[str, HealthCard], operator: Any) -> None:
    if ScanEvent.objects.filter(card__in=list(cards.values())).exists():
        return
    now = timezone.localtime()
    facilities = {facility.code: facility for facility in Facility.objects.all()}
    scans = []
    for sin, code, days, hour, result in DEMO_SCANS:
        if sin not in cards:
            continue
        scanned_at = (now - timedelta(days=days)).replace(
            hour=hour, minute=15, second=0, microsecond=0
        )
        scans.append(
            ScanEvent(
                card=cards[sin],
                insuree_id=cards[sin].insuree_id,
                facility=facilities[code],
                operator=operator,
                scanned_at=scanned_at,
                notified_at=scanned_at,  # history: nobody is to be told again
                result=result,
                source=ScanSource.SIGNED_QR,
            )
        )
    ScanEvent.objects.bulk_create(scans)


def seed_synthetic(ctx: DemoContext, insuree_ids: list[int]) -> None:
    """One card per synthetic citizen, in bulk, registered at a facility of their province
    when there is one."""
    insuree_model = HealthCard._meta.get_field("insuree").related_model
    facilities = list(Facility.objects.all())
    by_province: dict[str, list[Facility]] = {}
    for facility in facilities:
        by_province.setdefault(facility.province_code, []).append(facility)
    rows = insuree_model._default_manager.filter(pk__in=insuree_ids).values_list(
        "pk", "social_insurance_number", "province_id"
    )
    cards = []
    for pk, sin, province in rows.iterator(chunk_size=5000):
        group, level = ctx.rng.choice(SYNTHETIC_GROUPS)
        cards.append(
            HealthCard(
                insuree_id=pk,
                card_number=card_number_compose(
                    group=group, benefit_level=level, province_code=province, sin=sin
                ),
                beneficiary_group=group,
                benefit_level=level,
                province_code=province,
                registered_facility=ctx.rng.choice(by_province.get(province) or facilities),
                valid_from=date(ctx.today.year, 1, 1),
                valid_to=date(ctx.today.year, 12, 31),
                issued_on=date(ctx.today.year - 1, 12, 20),
            )
        )
    HealthCard.objects.bulk_create(cards, batch_size=5000)
    ctx.log(f"  health cards: {len(cards)}")
