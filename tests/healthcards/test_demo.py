"""seed_demo gives every demo person a card and a few scans; synthetic citizens get cards."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

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
