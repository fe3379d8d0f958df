from datetime import date

import pytest
from django.http import Http404

from accounts.models import HouseholdRelation
from accounts.selectors import (
    access_insuree_for_viewer,
    household_dependents,
    household_member_relation,
)
from tests.accounts.factories import HouseholdFactory, InsureeFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


@pytest.fixture
def family():
    home = HouseholdFactory()
    return {
        "mother": InsureeFactory(household=home, household_relation=HouseholdRelation.HEAD),
        "father": InsureeFactory(household=home, household_relation=HouseholdRelation.SPOUSE),
        "toddler": InsureeFactory(
            household=home,
            household_relation=HouseholdRelation.CHILD,
            date_of_birth=date(2022, 9, 3),
        ),
        "adult_son": InsureeFactory(
            household=home,
            household_relation=HouseholdRelation.CHILD,
            date_of_birth=date(2000, 1, 1),
        ),
        "grandma": InsureeFactory(household=home, household_relation=HouseholdRelation.PARENT),
    }


def test_relations_are_seen_from_the_viewer(family):
    mother, father, toddler = family["mother"], family["father"], family["toddler"]

    assert household_member_relation(viewer=mother, member=mother) == "self"
    assert household_member_relation(viewer=mother, member=father) == "spouse"
    assert household_member_relation(viewer=father, member=mother) == "spouse"
    assert household_member_relation(viewer=father, member=toddler) == "child"
    assert household_member_relation(viewer=toddler, member=father) == "parent"
    assert household_member_relation(viewer=toddler, member=family["adult_son"]) == "sibling"
    assert household_member_relation(viewer=toddler, member=family["grandma"]) == "grandparent"
    assert household_member_relation(viewer=mother, member=InsureeFactory()) == "other"


def test_dependents_are_minor_children_only(family):
    assert household_dependents(insuree=family["mother"], today=TODAY) == [family["toddler"]]
    assert household_dependents(insuree=family["father"], today=TODAY) == [family["toddler"]]
    assert household_dependents(insuree=family["adult_son"], today=TODAY) == []
    assert household_dependents(insuree=family["grandma"], today=TODAY) == []


def test_child_turning_eighteen_stops_being_a_dependent(family):
    son = family["adult_son"]
    son.date_of_birth = date(2008, 11, 23)
    son.save()

    assert son in household_dependents(insuree=family["mother"], today=TODAY)
    assert son not in household_dependents(insuree=family["mother"], today=date(2026, 11, 23))


def test_access_gate_allows_self_and_minor_children_only(family):
    mother = family["mother"]

    assert access_insuree_for_viewer(viewer=mother, public_id=None) == mother
    assert (
        access_insuree_for_viewer(viewer=mother, public_id=family["toddler"].public_id)
        == (family["toddler"])
    )
    for other in [family["father"], family["adult_son"], family["grandma"], InsureeFactory()]:
        with pytest.raises(Http404):
            access_insuree_for_viewer(viewer=mother, public_id=other.public_id)
    with pytest.raises(Http404):
        access_insuree_for_viewer(viewer=mother, public_id="not-a-uuid")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("0123456789", "social_insurance_number"),
        ("001190012345", "national_id"),
        ("003190012345", None),  # 03 is no province
        ("".join(chr(0xFF10 + d) for d in range(10)), None),  # full-width digits
        ("012345678", None),
        ("", None),
    ],
)
def test_identifier_kind_uses_the_one_validator(value, kind):
    from accounts.selectors import identifier_kind

    assert identifier_kind(value=value) == kind
