"""GET me/household: the members and their relation to the viewer, nobody else."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import HouseholdRelation
from api.roles import Role
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_household_lists_members_with_relation_to_me(django_assert_max_num_queries):
    home = HouseholdFactory()
    mother = InsureeFactory(household=home, household_relation=HouseholdRelation.HEAD)
    InsureeFactory(household=home, household_relation=HouseholdRelation.SPOUSE)
    InsureeFactory(
        household=home, household_relation=HouseholdRelation.CHILD, date_of_birth=date(2022, 9, 3)
    )
    InsureeFactory(in_household=True)  # another household
    client = client_for(UserFactory(insuree=mother))

    with django_assert_max_num_queries(3):
        r = client.get("/api/v1/me/household")

    assert r.status_code == 200, r.json()
    assert sorted(m["relation"] for m in r.json()) == ["child", "self", "spouse"]
    assert set(r.json()[0]) == {"id", "full_name", "date_of_birth", "gender", "relation"}


def test_person_without_household_sees_only_themself(citizen_user):
    r = client_for(citizen_user).get("/api/v1/me/household")

    assert [m["relation"] for m in r.json()] == ["self"]


def test_household_is_for_citizens(support_client):
    assert support_client.get("/api/v1/me/household").status_code == 403


def test_a_member_of_my_household_by_id():
    home = HouseholdFactory()
    me = InsureeFactory(household=home, household_relation=HouseholdRelation.HEAD)
    spouse = InsureeFactory(household=home, household_relation=HouseholdRelation.SPOUSE)

    r = client_for(UserFactory(insuree=me)).get(f"/api/v1/me/household/{spouse.public_id}")

    assert r.status_code == 200, r.json()
    assert r.json()["relation"] == "spouse"


def test_another_citizens_household_is_404(citizen_user):
    stranger_home = HouseholdFactory()
    stranger = InsureeFactory(household=stranger_home, household_relation=HouseholdRelation.HEAD)
    UserFactory(insuree=stranger)
    client = client_for(citizen_user)

    for member_id in [stranger.public_id, "not-a-uuid", "00000000-0000-0000-0000-000000000000"]:
        r = client.get(f"/api/v1/me/household/{member_id}")
        assert r.status_code == 404, r.json()


def test_staff_me_has_no_insuree(db):
    staff = UserFactory(role=Role.SUPPORT, insuree=None)

    r = client_for(staff).get("/api/v1/me")

    assert r.status_code == 200, r.json()
    assert r.json()["insuree_id"] is None
    assert r.json()["role"] == "support"
