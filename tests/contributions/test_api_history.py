"""GET /api/v1/contributions/: the citizen's monthly records, newest first."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import HouseholdRelation
from api.roles import Role
from contributions.models import Scheme
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory
from tests.contributions.factories import ContributionRecordFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/contributions/"


def test_history_is_newest_first_with_the_documented_fields(citizen, citizen_client, employer):
    # given two months with an employer and one self-paid voluntary month
    insuree = citizen.insuree
    ContributionRecordFactory(insuree=insuree, month=date(2024, 1, 1), employer=employer)
    ContributionRecordFactory(insuree=insuree, month=date(2024, 2, 1), employer=employer)
    ContributionRecordFactory(
        insuree=insuree,
        month=date(2024, 3, 1),
        scheme=Scheme.VOLUNTARY_SI,
        employer=None,
        salary_base=1_500_000,
        employee_amount=264_000,
        employer_amount=0,
        state_subsidy=66_000,
    )

    # when
    r = citizen_client.get(URL)

    # then
    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["month"] for row in rows] == ["2024-03", "2024-02", "2024-01"]
    assert rows[0] == {
        "id": rows[0]["id"],
        "month": "2024-03",
        "scheme": "voluntary_si",
        "employer": None,
        "salary_base": 1_500_000,
        "employee_amount": 264_000,
        "employer_amount": 0,
        "state_subsidy": 66_000,
        "status": "paid",
    }
    assert rows[1]["employer"] == {"code": "TA0101A", "name": "Công ty TNHH Phần mềm Sông Hồng"}
    assert isinstance(rows[1]["employee_amount"], int)


def test_filters_scheme_period_and_employer(
    citizen, citizen_client, employer, other_employer, make_months
):
    insuree = citizen.insuree
    make_months(insuree, date(2023, 1, 1), 12, employer=employer)
    make_months(insuree, date(2024, 1, 1), 6, employer=other_employer)
    make_months(insuree, date(2024, 1, 1), 6, employer=other_employer, scheme=Scheme.HEALTH,
                employee_amount=150_000, employer_amount=300_000)  # fmt: skip

    r = citizen_client.get(URL, {"scheme": "compulsory_si", "from": "2023-11", "to": "2024-02"})
    assert r.status_code == 200, r.json()
    assert [row["month"] for row in r.json()["results"]] == [
        "2024-02", "2024-01", "2023-12", "2023-11",
    ]  # fmt: skip

    r = citizen_client.get(URL, {"employer": "TA0102B", "scheme": "health"})
    assert r.status_code == 200, r.json()
    assert len(r.json()["results"]) == 6
    assert {row["employer"]["code"] for row in r.json()["results"]} == {"TA0102B"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2024-13"}, "from"),
        ({"to": "24-01"}, "to"),
        ({"scheme": "lottery"}, "scheme"),
        ({"insuree": "not-a-uuid"}, "insuree"),
    ],
)
def test_bad_filters_are_400_with_the_field(citizen_client, params, field):
    r = citizen_client.get(URL, params)

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "invalid"
    assert [e["field"] for e in r.json()["errors"]] == [field]


def test_another_citizens_history_is_unreachable(citizen_client, make_months):
    # given someone else's records
    stranger = InsureeFactory()
    make_months(stranger, date(2024, 1, 1), 3)

    # when asking for them by public id
    r = citizen_client.get(URL, {"insuree": str(stranger.public_id)})

    # then 404, the same answer as for an id that does not exist
    assert r.status_code == 404, r.json()
    assert r.json()["code"] == "not_found"
    r = citizen_client.get(URL)
    assert r.json()["results"] == []


def test_a_parent_sees_a_minor_childs_history_but_not_the_spouses(make_months):
    household = HouseholdFactory()
    parent = InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    spouse = InsureeFactory(household=household, household_relation=HouseholdRelation.SPOUSE)
    child = InsureeFactory(
        household=household,
        household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2015, 6, 1),
    )
    make_months(child, date(2024, 1, 1), 2, scheme=Scheme.HEALTH, employer=None,
                salary_base=1_800_000, employee_amount=0, employer_amount=0,
                state_subsidy=81_000)  # fmt: skip
    make_months(spouse, date(2024, 1, 1), 2)
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.CITIZEN, insuree=parent))

    r = client.get(URL, {"insuree": str(child.public_id)})
    assert r.status_code == 200, r.json()
    assert len(r.json()["results"]) == 2

    r = client.get(URL, {"insuree": str(spouse.public_id)})
    assert r.status_code == 404, r.json()


def test_other_roles_are_refused(agency_client, support_client, api_client):
    assert agency_client.get(URL).status_code == 403
    assert support_client.get(URL).status_code == 403
    assert api_client.get(URL).status_code == 401


def _walk(client, page_size, on_page=None):
    months, url, params, pages = [], URL, {"page_size": page_size}, 0
    while url:
        r = client.get(url, params)
        assert r.status_code == 200, r.json()
        months.extend((row["month"], row["id"]) for row in r.json()["results"])
        pages += 1
        if on_page:
            on_page(pages)
        url, params = r.json()["next"], None
    return months


def test_cursor_pages_stay_stable_while_new_months_are_imported(
    citizen, citizen_client, employer, make_months
):
    # given 30 months, two records per month (two schemes), walked 7 rows at a time
    insuree = citizen.insuree
    make_months(insuree, date(2022, 1, 1), 30, employer=employer)
    make_months(insuree, date(2022, 1, 1), 30, employer=employer, scheme=Scheme.UNEMPLOYMENT,
                employee_amount=100_000, employer_amount=100_000)  # fmt: skip
    expected = _walk(citizen_client, 7)

    # when new months are imported after the first page has been read
    def import_more(page):
        if page == 1:
            make_months(insuree, date(2024, 7, 1), 3, employer=employer)

    walked = _walk(citizen_client, 7, on_page=import_more)

    # then the walk saw every old row exactly once, in order, and no duplicates
    assert walked == expected
    assert len(walked) == 60
    assert walked == sorted(walked, reverse=True)


def test_previous_link_goes_back(citizen, citizen_client, employer, make_months):
    make_months(citizen.insuree, date(2022, 1, 1), 12, employer=employer)
    first = citizen_client.get(URL, {"page_size": 5}).json()
    second = citizen_client.get(first["next"]).json()

    back = citizen_client.get(second["previous"]).json()

    assert back["results"] == first["results"]
    assert back["previous"] is None
    assert first["previous"] is None


def test_a_forged_cursor_is_404(citizen_client):
    bad = base64.urlsafe_b64encode(b"x:2024-01-01:1").decode()

    for cursor in (bad, "%%%", "bm90LWEtY3Vyc29y"):
        r = citizen_client.get(URL, {"cursor": cursor})
        assert r.status_code == 404, r.json()


@pytest.mark.parametrize("page_size", [5, 50])
def test_history_uses_a_fixed_number_of_queries(
    citizen, employer, make_months, django_assert_num_queries, page_size
):
    # given more rows than the biggest page, and a user as authentication loads it
    # (without its insuree row)
    from accounts.models import User

    make_months(citizen.insuree, date(2019, 1, 1), 60, employer=employer)
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=citizen.pk))

    # when / then: one query for the page, whatever its size; the own insuree id is on the user
    with django_assert_num_queries(1):
        r = client.get(URL, {"page_size": page_size})
    assert r.status_code == 200, r.json()
    assert len(r.json()["results"]) == page_size


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2024-13"},
        {"to": "2024-1"},
        {"scheme": "lottery"},
        {"insuree": "123"},
        {"employer": "X" * 21},
        {"from": "2024-01", "to": "2024-02", "scheme": "health", "employer": "TA0101A"},
        {},
    ],
)
def test_the_fast_query_parser_agrees_with_the_declared_serializer(params):
    from rest_framework.exceptions import ValidationError

    from contributions.history import ContributionListQuerySerializer, history_query_parse

    declared = ContributionListQuerySerializer(data=params)
    declared_ok = declared.is_valid()
    try:
        parsed, parsed_errors = history_query_parse(params), {}
    except ValidationError as error:
        parsed, parsed_errors = None, error.detail

    assert declared_ok == (parsed is not None)
    if declared_ok:
        assert parsed == dict(declared.validated_data)
    else:
        assert set(parsed_errors) == set(declared.errors)
