"""seed_demo gives every demo person a card and a few scans; synthetic citizens get cards."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from contributions.selectors import health_five_year_dates
from healthcards.beneficiaries import GROUP_BENEFIT_LEVEL
from healthcards.models import HealthCard, ScanEvent

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=StringIO())


def test_every_demo_person_has_a_valid_card_and_the_child_is_te():
    seed()
    seed()

    cards = {card.insuree.social_insurance_number: card for card in HealthCard.objects.all()}
    assert set(cards) == {"0123456789", "0123456790", "0123456791"}
    child = cards["0123456791"]
    assert child.card_number == "TE1010123456791"
    assert (child.beneficiary_group, child.benefit_level, child.coverage_percent) == ("TE", 1, 100)
    for card in cards.values():
        card.full_clean()
    assert ScanEvent.objects.count() == 4
    assert ScanEvent.objects.filter(card=child).exists()


def test_synthetic_citizens_get_cards():
    seed("--citizens", "25")

    synthetic = HealthCard.objects.filter(insuree__social_insurance_number__startswith="9")
    assert synthetic.count() == 25
    for card in synthetic:
        card.full_clean()


def test_demo_five_year_dates_agree_with_the_health_records():
    # the dates on the demo cards are the ones the health-insurance records give
    # (Health Insurance Law art. 22: five consecutive years, a break of up to 3 months kept)
    seed()

    cards = {card.insuree_id: card for card in HealthCard.objects.select_related("insuree")}
    derived = health_five_year_dates(insuree_ids=list(cards))

    by_number = {card.insuree.social_insurance_number: card for card in cards.values()}
    assert by_number["0123456789"].five_year_date == date(2025, 1, 1)  # none in 2019
    assert by_number["0123456790"].five_year_date == date(2019, 1, 1)
    for insuree_id, card in cards.items():
        assert card.five_year_date == derived[insuree_id], card.card_number


def test_synthetic_cards_carry_their_groups_level():
    seed("--citizens", "60")

    synthetic = HealthCard.objects.filter(insuree__social_insurance_number__startswith="9")
    levels = {(card.beneficiary_group, card.benefit_level) for card in synthetic}
    assert ("HN", 2) in levels
    assert ("HT", 3) in levels
    for group, level in levels:
        assert GROUP_BENEFIT_LEVEL[group] == level
