"""A precompiled lookup answers what the queryset would, in one statement, with its related
objects cached and every value converted as the ORM converts it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from api.precompiled import PrecompiledLookup
from healthcards.models import HealthCard
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db

RELATED = ("insuree", "registered_facility")
BY_NUMBER = PrecompiledLookup(HealthCard, "card_number", related=RELATED, marker="~")
BY_ID = PrecompiledLookup(HealthCard, "id", related=RELATED, marker=uuid.UUID(int=0))


def _as_orm(**lookup: object) -> HealthCard:
    return HealthCard.objects.select_related(*RELATED).get(**lookup)


def _fields(instance) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_card_its_holder_and_facility_in_one_statement(django_assert_num_queries):
    card = HealthCardFactory(valid_to=date(2027, 12, 31))
    HealthCardFactory()  # another card, not to be confused with it
    expected = _as_orm(pk=card.pk)

    with django_assert_num_queries(1):
        found = BY_NUMBER.first(card.card_number)
        holder, facility = found.insuree, found.registered_facility  # cached, no query

    assert _fields(found) == _fields(expected)
    assert _fields(holder) == _fields(expected.insuree)
    assert _fields(facility) == _fields(expected.registered_facility)
    # converted as the ORM converts (SQLite stores these as text)
    assert isinstance(found.id, uuid.UUID)
    assert found.valid_to == date(2027, 12, 31)
    assert isinstance(holder.date_of_birth, date)
    assert found._state.adding is False
    assert found._state.db == "default"


def test_by_primary_key_and_the_same_statement_reused(django_assert_num_queries):
    first, second = HealthCardFactory(), HealthCardFactory()
    assert BY_ID.first(first.pk).card_number == first.card_number
    with django_assert_num_queries(1) as captured:
        assert BY_ID.first(second.pk).card_number == second.card_number
    assert str(second.pk.hex) in captured.captured_queries[0]["sql"].replace("-", "")


def test_nothing_found_is_none():
    HealthCardFactory()
    assert BY_NUMBER.first("XX0000000000000") is None
    assert BY_ID.first(uuid.uuid4()) is None


def test_a_found_card_saves_like_one_the_orm_loaded():
    card = HealthCardFactory(benefit_level=4)
    found = BY_NUMBER.first(card.card_number)
    found.benefit_level = 2
    found.save(update_fields=["benefit_level"])
    assert HealthCard.objects.get(pk=card.pk).benefit_level == 2


def test_a_lookup_that_is_not_one_value_is_refused():
    lookup = PrecompiledLookup(HealthCard, "valid_to", related=(), marker=None)  # IS NULL
    with pytest.raises(ValueError, match="not a one-value lookup"):
        lookup.first(date(2027, 1, 1))
