from __future__ import annotations

from datetime import date

import pytest

from contributions.months import month_add
from tests.contributions.factories import ContributionRecordFactory, EmployerFactory


@pytest.fixture
def employer(db):
    return EmployerFactory(code="TA0101A", name="Công ty TNHH Phần mềm Sông Hồng")


@pytest.fixture
def other_employer(db):
    return EmployerFactory(code="TA0102B", name="Công ty Cổ phần Dệt may Hà Đông")


@pytest.fixture
def make_months():
    """Create compulsory months for an insuree: ``make_months(insuree, date(2020, 1, 1), 12)``."""

    def make(insuree, first: date, count: int, **fields):
        return [
            ContributionRecordFactory(insuree=insuree, month=month_add(first, offset), **fields)
            for offset in range(count)
        ]

    return make


@pytest.fixture
def signing_key(settings, tmp_path):
    """Statements are signed with the health-card keys: a key of its own per test, generated
    on first use under tmp_path (as tests/healthcards does)."""
    from healthcards.keyring import keyring_invalidate

    settings.HEALTHCARD_SIGNING_KEY = ""
    settings.HEALTHCARD_SIGNING_KEY_FILE = tmp_path / "keys" / "signing.pem"
    settings.HEALTHCARD_SIGNING_KEY_AUTOCREATE = True
    keyring_invalidate()
    yield settings.HEALTHCARD_SIGNING_KEY_FILE
    keyring_invalidate()
