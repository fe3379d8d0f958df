"""Clinic verify with the unsigned text of today's paper cards, both layouts."""

from __future__ import annotations

from datetime import date

import pytest

from healthcards.models import CardStatus, ScanEvent
from healthcards.paper import PaperCardMalformed, birth_matches, name_key, paper_card_parse
from tests.accounts.factories import InsureeFactory
from tests.healthcards.conftest import paper_samples
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/clinic/verify"
LAYOUT_2016, LAYOUT_2023, CHILD_2016 = paper_samples()


@pytest.fixture
def paper_cards(db):
    """The records behind the three synthetic samples."""
    mai = InsureeFactory(
        social_insurance_number="0123450001", full_name="Trần Thị Mai",
        date_of_birth=date(1993, 9, 15),
    )  # fmt: skip
    hung = InsureeFactory(
        social_insurance_number="0123450002", full_name="Lê Văn Hùng",
        date_of_birth=date(1985, 3, 7), gender="male",
    )  # fmt: skip
    khoi = InsureeFactory(
        social_insurance_number="0123450003", full_name="Phạm Minh Khôi",
        date_of_birth=date(2022, 6, 1), gender="male",
    )  # fmt: skip
    return {
        "mai": HealthCardFactory(
            insuree=mai, beneficiary_group="DN", benefit_level=4, province_code="79",
            registered_facility=FacilityFactory(code="79012", province_code="79"),
        ),
        "hung": HealthCardFactory(
            insuree=hung, beneficiary_group="GD", benefit_level=4, province_code="01",
            registered_facility=FacilityFactory(code="01C54"),
        ),
        "khoi": HealthCardFactory(
            insuree=khoi, beneficiary_group="TE", benefit_level=1, province_code="40",
            registered_facility=FacilityFactory(code="40017", province_code="40"),
        ),
    }  # fmt: skip


def verify(client, text):
    r = client.post(VERIFY, {"qr": text}, format="json")
    assert r.status_code == 200, r.json()
    return r.json()


def test_both_layouts_parse():
    old = paper_card_parse(LAYOUT_2016)
    new = paper_card_parse(LAYOUT_2023)
    child = paper_card_parse(CHILD_2016)

    assert (old.card_number, old.social_insurance_number) == ("DN4790123450001", None)
    assert old.full_name == "Trần Thị Mai"
    assert old.birth_text == "15/09/1993"
    assert old.facility_code == "79012"
    assert (new.card_number, new.social_insurance_number) == (None, "0123450002")
    assert new.full_name == "Lê Văn Hùng"
    assert new.facility_code == "01C54"
    assert child.birth_text == "2022"
    assert child.full_name == "Phạm Minh Khôi"


@pytest.mark.parametrize(
    "text",
    [
        "DN4790123450001|zz|15/09/1993|2|-|79 - 012|a|b|c|d|-|4|-|t|$",  # name not hex
        "DN4790123450001|c3|15/09/1993|2|-|79 - 012|a|b|c|d|-|4|-|t|$",  # not UTF-8
        "DN4790123450001|41|15-09-1993|2|-|79 - 012|a|b|c|d|-|4|-|t|$",  # date shape
        "DN4790123450001|41|15/09/1993|$",  # too few fields
        "0123450002|41|15/09/1993|2|-|79 - 012|a|b|c|d|-|4|-|t|$",  # SIN with 2016 length
        "XX|41|15/09/1993|2|-|79 - 012|a|b|c|d|-|4|-|t|$",
        "DN4790123450001|41|15/09/1993|2|-|79 - 012|a|b|c|d|-|4|-|t|",  # no $
    ],
)
def test_broken_paper_text_is_malformed(text):
    with pytest.raises(PaperCardMalformed):
        paper_card_parse(text)


def test_names_compare_without_case_diacritics_or_extra_spaces():
    assert name_key("TRẦN  THỊ MAI ") == name_key("tran thi mai")
    assert name_key("Đặng Văn Đức") == name_key("dang van duc")
    assert name_key("Trần Thị Mai") != name_key("Trần Thị Mải Anh")


def test_birth_full_date_or_year_alone():
    assert birth_matches("15/09/1993", date(1993, 9, 15))
    assert not birth_matches("16/09/1993", date(1993, 9, 15))
    assert birth_matches("1993", date(1993, 9, 15))
    assert not birth_matches("1994", date(1993, 9, 15))


@pytest.mark.parametrize(
    ("sample", "who"), [(LAYOUT_2016, "mai"), (LAYOUT_2023, "hung"), (CHILD_2016, "khoi")]
)
def test_each_sample_verifies_valid_from_the_database(clinic_client, paper_cards, sample, who):
    body = verify(clinic_client, sample)

    assert body["result"] == "valid", body
    assert body["card"]["card_number"] == paper_cards[who].card_number
    scan = ScanEvent.objects.get(pk=body["scan_id"])
    assert (scan.card_id, scan.source) == (paper_cards[who].pk, "paper_card")


def test_a_different_name_is_mismatch_and_shows_no_record(clinic_client, paper_cards):
    forged = LAYOUT_2016.replace(LAYOUT_2016.split("|")[1], "Nguyễn Văn A".encode().hex())

    body = verify(clinic_client, forged)

    assert body["result"] == "mismatch"
    assert body["card"] is None
    assert ScanEvent.objects.get(pk=body["scan_id"]).result == "mismatch"


def test_a_different_birth_date_is_mismatch(clinic_client, paper_cards):
    assert verify(clinic_client, LAYOUT_2016.replace("15/09/1993", "15/09/1994"))["result"] == (
        "mismatch"
    )
    assert verify(clinic_client, CHILD_2016.replace("|2022|", "|2021|"))["result"] == "mismatch"


def test_card_status_still_applies_to_paper_text(clinic_client, paper_cards):
    card = paper_cards["hung"]
    card.status = CardStatus.REVOKED
    card.save()

    assert verify(clinic_client, LAYOUT_2023)["result"] == "revoked"


def test_an_unknown_paper_card_is_unknown_card(clinic_client, db):
    body = verify(clinic_client, LAYOUT_2016)

    assert body == {
        "result": "unknown_card", "source": "paper_card", "scan_id": None, "card": None
    }  # fmt: skip


def test_upper_case_hex_and_leading_spaces_are_accepted(clinic_client, paper_cards):
    fields = LAYOUT_2016.split("|")
    fields[1] = fields[1].lower()
    fields[6] = " " + fields[6]

    assert verify(clinic_client, "|".join(fields))["result"] == "valid"
