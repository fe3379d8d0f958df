from __future__ import annotations

import pytest
from django.test import Client

from api.roles import Role
from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import InsureeFactory, UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.SUPPORT, insuree=None, username="support.one", is_staff=True)


@pytest.fixture
def console(settings, staff) -> Client:
    """A support staff member signed in to the console (no TOTP unless a test turns it on)."""
    settings.ADMIN_REQUIRE_2FA = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=staff.username, password=PASSWORD)
    return client


@pytest.fixture
def husband(db):
    return UserFactory(
        insuree=InsureeFactory(
            national_id="001088012346", social_insurance_number="0123456790",
            full_name="Trần Văn Minh", phone="+84987654321",
        )
    )  # fmt: skip
