"""The inbox (cursor pages, unread filter, read state, language) and preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, Notification, Preference
from notifications.services import Kind, notification_send
from tests.accounts.factories import UserFactory
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

INBOX = "/api/v1/notifications/"
PREFERENCES = "/api/v1/notifications/preferences"
BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}


def _fill(user, count: int) -> list[Notification]:
    start = timezone.now() - timedelta(hours=count)
    notes = [
        notification_send(user_id=user.pk, kind=Kind.BENEFIT_PAID, data={**BENEFIT, "n": n})
        for n in range(count)
    ]
    for n, note in enumerate(notes):  # distinct times, oldest first
        Notification.objects.filter(pk=note.pk).update(created_at=start + timedelta(minutes=n))
    return notes


def test_the_inbox_is_newest_first_in_cursor_pages(citizen_client, citizen):
    notes = _fill(citizen, 25)
    _fill(UserFactory(), 3)  # someone else's

    first = citizen_client.get(INBOX, {"page_size": 10})
    assert first.status_code == 200, first.json()
    seen = [item["data"]["n"] for item in first.json()["results"]]
    url = first.json()["next"]
    while url:
        page = citizen_client.get(url)
        seen += [item["data"]["n"] for item in page.json()["results"]]
        url = page.json()["next"]

    assert seen == list(range(24, -1, -1))
    item = first.json()["results"][0]
    assert set(item) == {"id", "kind", "category", "title", "body", "data", "created_at", "read_at"}
    assert item["id"] == str(notes[-1].pk)
    assert (item["kind"], item["category"]) == ("benefit_paid", "benefits")
    assert item["read_at"] is None


def test_the_inbox_costs_a_fixed_number_of_queries(
    citizen_client, citizen, django_assert_max_num_queries
):
    _fill(citizen, 3)
    with django_assert_max_num_queries(3):
        small = citizen_client.get(INBOX)
    _fill(citizen, 30)
    with django_assert_max_num_queries(3):
        large = citizen_client.get(INBOX)
    assert len(small.json()["results"]) == 3
    assert len(large.json()["results"]) == 20


def test_the_inbox_speaks_the_readers_language(citizen_client, citizen):
    _fill(citizen, 1)

    default = citizen_client.get(INBOX, HTTP_ACCEPT_LANGUAGE="vi").json()["results"][0]
    english = citizen_client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    Preference.objects.create(user=citizen, language="vi")
    chosen = citizen_client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]

    assert default["title"] == "Một khoản trợ cấp đã được chi trả"
    assert (
        default["body"] == "Khoản chi trả chế độ 2.500.000 đồng đã được thực hiện ngày 05/11/2026."
    )
    assert english["title"] == "A benefit was paid"
    assert chosen["title"] == default["title"], "the chosen language wins over the header"


def test_read_one_read_all_and_unread_count(citizen_client, citizen):
    notes = _fill(citizen, 4)
    other = _fill(UserFactory(), 1)[0]

    assert citizen_client.get(f"{INBOX}unread-count").json() == {"count": 4}
    r = citizen_client.post(f"{INBOX}{notes[0].pk}/read")
    assert r.status_code == 204
    assert citizen_client.post(f"{INBOX}{notes[0].pk}/read").status_code == 204  # idempotent
    assert citizen_client.get(f"{INBOX}unread-count").json() == {"count": 3}
    unread = citizen_client.get(INBOX, {"unread": "true"}).json()["results"]
    assert {item["id"] for item in unread} == {str(note.pk) for note in notes[1:]}

    assert citizen_client.post(f"{INBOX}read-all").status_code == 204
    assert citizen_client.get(f"{INBOX}unread-count").json() == {"count": 0}
    assert citizen_client.get(INBOX, {"unread": "true"}).json()["results"] == []
    other.refresh_from_db()
    assert other.read_at is None, "read-all touches only the caller's inbox"


@pytest.mark.parametrize("make_id", [lambda other: other.pk, lambda other: "not-a-uuid"])
def test_someone_elses_notification_is_404(citizen_client, make_id):
    other = _fill(UserFactory(), 1)[0]
    r = citizen_client.post(f"{INBOX}{make_id(other)}/read")
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_a_bad_cursor_is_404_not_500(citizen_client, citizen):
    _fill(citizen, 2)
    assert citizen_client.get(INBOX, {"cursor": "garbage"}).status_code == 404


def test_only_citizens_read_an_inbox(agency_client, api_client):
    assert agency_client.get(INBOX).status_code == 403
    assert api_client.get(INBOX).status_code == 401


def test_preferences_default_to_everything_pushed_in_vietnamese(citizen_client):
    r = citizen_client.get(PREFERENCES)
    assert r.status_code == 200, r.json()
    assert r.json() == {
        "language": "vi",
        "push": {
            "security": True,
            "contributions": True,
            "benefits": True,
            "healthcard": True,
            "campaign": True,
        },
    }


def test_preferences_are_changed_and_honoured(citizen_client, citizen, committed, pushed):
    device = DeviceFactory(user=citizen)
    r = citizen_client.put(
        PREFERENCES,
        {"language": "en", "push": {"benefits": False, "campaign": False}},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["language"] == "en"
    assert r.json()["push"]["benefits"] is False
    assert r.json()["push"]["healthcard"] is True

    with committed():
        notification_send(user_id=citizen.pk, kind=Kind.BENEFIT_PAID, data=BENEFIT)
        notification_send(
            user_id=citizen.pk,
            kind=Kind.SECURITY_PASSWORD_CHANGED,
            data={"at": timezone.now().isoformat()},
        )

    assert [m.title for m in pushed.sent] == ["Your password was changed"]
    assert Delivery.objects.get().device == device
    assert citizen_client.get(f"{INBOX}unread-count").json() == {"count": 2}

    back_on = citizen_client.put(PREFERENCES, {"push": {"benefits": True}}, format="json")
    assert back_on.json()["push"]["benefits"] is True
    assert back_on.json()["push"]["campaign"] is False
    assert back_on.json()["language"] == "en"


def test_switching_security_off_is_refused_with_a_clear_400(citizen_client, citizen):
    r = citizen_client.put(
        PREFERENCES, {"push": {"security": False, "benefits": False}}, format="json"
    )

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "security_push_required"
    assert "cannot be turned off" in r.json()["detail"]
    assert not Preference.objects.filter(user=citizen).exists(), "nothing half-applied"


@pytest.mark.parametrize(
    "body", [{"language": "fr"}, {"push": {"benefits": "maybe"}}, {"push": "off"}]
)
def test_bad_preferences_are_400(citizen_client, body):
    r = citizen_client.put(PREFERENCES, body, format="json")
    assert r.status_code == 400, r.json()
