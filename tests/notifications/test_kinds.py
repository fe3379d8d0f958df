"""Every kind has a category and renders in vi and en from data alone."""

from __future__ import annotations

import pytest

from notifications.kinds import KINDS, Kind, kind_render
from notifications.models import Category

SAMPLE = {
    "device": "Pixel 8",
    "at": "2026-11-29T10:00:00+07:00",
    "effective_at": "2026-11-30T10:00:00+07:00",
    "phone_hint": "+84 98*****11",
    "employer_name": "Công ty A",
    "since": "2026-08-01",
    "amount": 1234567,
    "paid_on": "2026-11-05",
    "facility_name": "BV Đống Đa",
    "card_number": "DN4010123456789",
    "holder_name": "Nguyễn Thị Lan",
    "scanned_at": "2026-11-29T03:00:00+00:00",
    "valid_to": "2026-12-29",
}


def test_every_kind_is_registered_with_a_category():
    assert set(KINDS) == set(Kind)
    assert {spec.category for spec in KINDS.values()} <= set(Category.values)


@pytest.mark.parametrize("kind", [kind for kind in Kind if kind != Kind.CAMPAIGN])
def test_every_kind_speaks_vietnamese_and_english(kind):
    vi = kind_render(kind=kind, data=SAMPLE, language="vi")
    en = kind_render(kind=kind, data=SAMPLE, language="en")

    assert all(vi)
    assert all(en)
    assert vi != en, "a Vietnamese translation is missing"
    assert "%(" not in vi[1] + en[1]


def test_amounts_and_times_are_written_the_local_way():
    _, vi = kind_render(kind=Kind.EMPLOYER_ARREARS, data=SAMPLE, language="vi")
    _, en = kind_render(kind=Kind.EMPLOYER_ARREARS, data=SAMPLE, language="en")
    assert "1.234.567" in vi
    assert "1,234,567" in en
    assert "01/08/2026" in vi
    _, scanned = kind_render(kind=Kind.HEALTHCARD_SCANNED, data=SAMPLE, language="en")
    assert "10:00 29/11/2026" in scanned  # 03:00 UTC is 10:00 in Vietnam


def test_missing_data_renders_blanks_not_errors():
    title, body = kind_render(kind=Kind.BENEFIT_PAID, data={}, language="en")
    assert title == "A benefit was paid"
    assert body == "A benefit payment of 0 VND was made on ."
