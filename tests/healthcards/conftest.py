from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from healthcards.keyring import keyring_invalidate
from healthcards.models import ClinicOperator
from healthcards.selectors import clinic_facility_forget
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def signing_key_file(settings, tmp_path) -> Iterator[Path]:
    """Each test signs with its own key, generated on first use under tmp_path."""
    path = tmp_path / "keys" / "healthcard.pem"
    settings.HEALTHCARD_SIGNING_KEY = ""
    settings.HEALTHCARD_SIGNING_KEY_FILE = path
    settings.HEALTHCARD_SIGNING_KEY_AUTOCREATE = True
    keyring_invalidate()
    clinic_facility_forget()
    yield path
    keyring_invalidate()
    clinic_facility_forget()


@pytest.fixture
def facility(db):
    return FacilityFactory(code="01001", name="Bệnh viện Đa khoa Đống Đa")


@pytest.fixture
def other_facility(db):
    return FacilityFactory(code="01C54", name="Trạm Y tế phường Láng Hạ")


@pytest.fixture
def clinic_client(clinic_user, facility) -> APIClient:
    ClinicOperator.objects.create(user=clinic_user, facility=facility)
    client = APIClient()
    client.force_authenticate(clinic_user)
    return client


@pytest.fixture
def card(citizen, facility):
    return HealthCardFactory(insuree=citizen.insuree, registered_facility=facility)


@pytest.fixture
def stranger_card(db, facility):
    return HealthCardFactory(insuree=InsureeFactory(), registered_facility=facility)


@pytest.fixture
def stranger_client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def paper_samples() -> list[str]:
    return (FIXTURES / "paper_card_qr.txt").read_text(encoding="utf-8").splitlines()


def id_card_samples() -> list[str]:
    """The synthetic identity-card QR texts (comment lines dropped)."""
    lines = (FIXTURES / "id_card_qr.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]
