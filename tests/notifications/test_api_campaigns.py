"""POST /api/v1/agency/campaigns and GET .../{id}: segments, fan-out in batches, counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Province
from notifications.models import Campaign, Notification, Preference
from notifications.push import Outcome
from notifications.services import campaign_fanout, campaigns_start_due
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.contributions.factories import ContributionRecordFactory
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/agency/campaigns"
TEXT = {
    "title": {"vi": "Gia hạn BHYT hộ gia đình", "en": "Renew household health insurance"},
    "body": {"vi": "Hạn chót 31/12.", "en": "Deadline 31 December."},
}


def _campaign(agency_client, segment, **extra):
    r = agency_client.post(CAMPAIGNS, {**TEXT, "segment": segment, **extra}, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def _citizen(**insuree):
    return UserFactory(insuree=InsureeFactory(**insuree))


def test_a_campaign_to_all_reaches_every_citizen_with_an_account(agency_client, committed, pushed):
    with_phone = DeviceFactory(user=_citizen()).user
    without_phone = _citizen()
    InsureeFactory()  # no account: nobody to tell
    UserFactory(role="support", insuree=None)  # staff are not citizens

    with committed():
        body = _campaign(agency_client, {"kind": "all"})

    told = set(Notification.objects.filter(category="campaign").values_list("user_id", flat=True))
    assert told == {with_phone.pk, without_phone.pk}
    [message] = pushed.sent
    assert message.title == "Gia hạn BHYT hộ gia đình"
    assert message.data["campaign_id"] == body["id"]
    r = agency_client.get(f"{CAMPAIGNS}/{body['id']}")
    assert r.status_code == 200, r.json()
    counts = {key: r.json()[key] for key in ("status", "targeted", "sent", "failed", "pending")}
    assert counts == {"status": "done", "targeted": 2, "sent": 1, "failed": 0, "pending": 0}


def test_counts_follow_failures_and_pending_retries(agency_client, committed, pushed):
    DeviceFactory(user=_citizen(), token="ok")
    DeviceFactory(user=_citizen(), token="dead")
    DeviceFactory(user=_citizen(), token="flaky")
    pushed.outcomes.update(dead=Outcome.INVALID_TOKEN, flaky=Outcome.RETRY)

    with committed():
        body = _campaign(agency_client, {"kind": "all"})

    r = agency_client.get(f"{CAMPAIGNS}/{body['id']}").json()
    assert (r["targeted"], r["sent"], r["failed"], r["pending"]) == (3, 1, 1, 1)


def test_the_inbox_item_is_in_the_readers_language(agency_client, committed, citizen):
    Preference.objects.create(user=citizen, language="en")
    from rest_framework.test import APIClient

    reader = APIClient()
    reader.force_authenticate(citizen)
    with committed():
        _campaign(agency_client, {"kind": "all"})

    [item] = reader.get("/api/v1/notifications/").json()["results"]
    assert (item["kind"], item["category"]) == ("campaign", "campaign")
    assert item["title"] == "Renew household health insurance"
    assert item["body"] == "Deadline 31 December."


def test_a_province_segment(agency_client, committed):
    hcm = Province.objects.get_or_create(code="79", defaults={"name": "TP. Hồ Chí Minh"})[0]
    south = _citizen(province=hcm)
    _citizen()  # Hà Nội (01)

    with committed():
        body = _campaign(agency_client, {"kind": "province", "province": "79"})

    assert list(Notification.objects.values_list("user_id", flat=True)) == [south.pk]
    assert Campaign.objects.get(pk=body["id"]).targeted == 1


def test_a_scheme_segment(agency_client, committed):
    voluntary = _citizen()
    ContributionRecordFactory(insuree=voluntary.insuree, scheme="voluntary_si", employer=None)
    ContributionRecordFactory(insuree=voluntary.insuree, scheme="voluntary_si", employer=None,
                              month=date(2024, 2, 1))  # fmt: skip
    employee = _citizen()
    ContributionRecordFactory(insuree=employee.insuree)

    with committed():
        _campaign(agency_client, {"kind": "scheme", "scheme": "voluntary_si"})

    assert list(Notification.objects.values_list("user_id", flat=True)) == [voluntary.pk]


def test_an_age_segment_is_inclusive_of_both_ends(agency_client, committed):
    today = timezone.localdate()
    just_18 = _citizen(date_of_birth=today.replace(year=today.year - 18))
    almost_18 = _citizen(date_of_birth=today.replace(year=today.year - 18) + timedelta(days=1))
    just_60 = _citizen(date_of_birth=today.replace(year=today.year - 61) + timedelta(days=1))
    past_60 = _citizen(date_of_birth=today.replace(year=today.year - 61))

    with committed():
        _campaign(agency_client, {"kind": "age", "min": 18, "max": 60})

    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {just_18.pk, just_60.pk}
    assert almost_18.pk not in told
    assert past_60.pk not in told


def test_fan_out_goes_in_batches_each_its_own_transaction(agency_client, settings, monkeypatch):
    users = [_citizen() for _ in range(10)]
    settings.NOTIFICATIONS_CAMPAIGN_BATCH = 3
    body = _campaign(agency_client, {"kind": "all"})  # on_commit never runs here
    pages = []
    from contributions import audience

    original = audience.audience_page

    def spy(segment, *, after, limit):
        page = original(segment, after=after, limit=limit)
        pages.append(len(page))
        return page

    monkeypatch.setattr(audience, "audience_page", spy)

    assert campaign_fanout(campaign_id=body["id"]) == 10

    assert pages == [3, 3, 3, 1, 0]
    assert set(Notification.objects.values_list("user_id", flat=True)) == {u.pk for u in users}
    campaign = Campaign.objects.get(pk=body["id"])
    assert (campaign.status, campaign.targeted) == ("done", 10)
    assert campaign_fanout(campaign_id=body["id"]) == 0, "a finished campaign sends nothing"
    assert Notification.objects.count() == 10


def test_a_fan_out_that_died_resumes_from_its_cursor(agency_client, settings):
    users = [_citizen() for _ in range(5)]
    settings.NOTIFICATIONS_CAMPAIGN_BATCH = 2
    body = _campaign(agency_client, {"kind": "all"})
    from notifications.services.campaigns import _campaign_batch

    _campaign_batch(campaign_id=body["id"], size=2)  # one batch, then the worker dies
    assert Campaign.objects.get(pk=body["id"]).status == "running"

    assert campaigns_start_due() == 1  # the beat task picks it up again

    assert Notification.objects.count() == 5
    assert set(Notification.objects.values_list("user_id", flat=True)) == {u.pk for u in users}


def test_a_scheduled_campaign_waits_for_its_time(agency_client, committed):
    _citizen()
    later = (timezone.now() + timedelta(hours=2)).isoformat()

    with committed():
        body = _campaign(agency_client, {"kind": "all"}, send_at=later)

    assert body["status"] == "scheduled"
    assert campaigns_start_due() == 0
    assert not Notification.objects.exists()
    Campaign.objects.filter(pk=body["id"]).update(send_at=timezone.now())
    assert campaigns_start_due() == 1
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("segment", "field"),
    [
        ({"kind": "everyone"}, "segment.kind"),
        ({"kind": "province"}, "segment.province"),
        ({"kind": "province", "province": "Hà Nội"}, "segment.province"),
        ({"kind": "age", "min": 18}, "segment.max"),
        ({"kind": "age", "min": 60, "max": 18}, "segment.min"),
        ({"kind": "age", "min": -1, "max": 18}, "segment.min"),
    ],
)
def test_malformed_segments_are_400(agency_client, segment, field):
    r = agency_client.post(CAMPAIGNS, {**TEXT, "segment": segment}, format="json")
    assert r.status_code == 400, r.json()
    assert field in {error["field"] for error in r.json()["errors"]}, r.json()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    "segment", [{"kind": "province", "province": "99"}, {"kind": "scheme", "scheme": "lottery"}]
)
def test_unknown_provinces_and_schemes_are_400(agency_client, segment):
    r = agency_client.post(CAMPAIGNS, {**TEXT, "segment": segment}, format="json")
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "campaign_segment_invalid"
    assert not Campaign.objects.exists()


def test_both_languages_are_required(agency_client):
    r = agency_client.post(
        CAMPAIGNS,
        {"title": {"vi": "Chào"}, "body": TEXT["body"], "segment": {"kind": "all"}},
        format="json",
    )
    assert r.status_code == 400, r.json()
    assert "title.en" in {error["field"] for error in r.json()["errors"]}


def test_other_roles_are_403(citizen_client, support_client, clinic_user, api_client):
    from rest_framework.test import APIClient

    clinic = APIClient()
    clinic.force_authenticate(clinic_user)
    body = {**TEXT, "segment": {"kind": "all"}}
    for client in (citizen_client, support_client, clinic):
        assert client.post(CAMPAIGNS, body, format="json").status_code == 403
    assert api_client.post(CAMPAIGNS, body, format="json").status_code == 401
    campaign = Campaign.objects.create(title=TEXT["title"], body=TEXT["body"], segment={})
    assert citizen_client.get(f"{CAMPAIGNS}/{campaign.pk}").status_code == 403


def test_an_unknown_campaign_is_404(agency_client):
    assert agency_client.get(f"{CAMPAIGNS}/nope").status_code == 404
    assert agency_client.get(f"{CAMPAIGNS}/{Campaign().pk}").status_code == 404


def test_the_counts_cost_a_fixed_number_of_queries(
    agency_client, committed, django_assert_max_num_queries
):
    for _ in range(5):
        DeviceFactory(user=_citizen())
    with committed():
        body = _campaign(agency_client, {"kind": "all"})
    with django_assert_max_num_queries(2):
        r = agency_client.get(f"{CAMPAIGNS}/{body['id']}")
    assert r.json()["sent"] == 5
