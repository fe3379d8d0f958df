"""Sessions: refresh rotation and reuse detection, revocation at once, the device list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIRequestFactory
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.authentication import SessionJWTAuthentication
from accounts.models import AuditEvent, LoginLock, Session
from accounts.views.me import MeApi
from tests.accounts.conftest import bearer, login
from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db

REFRESH = "/api/v1/auth/token/refresh"


def refresh(client, token):
    return client.post(REFRESH, {"refresh": token})


def test_tokens_carry_the_session_id(signed_in, citizen_user):
    _, tokens = signed_in(citizen_user)

    from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

    session = Session.objects.get(user=citizen_user)
    assert AccessToken(tokens["access"])["sid"] == str(session.pk)
    assert RefreshToken(tokens["refresh"])["sid"] == str(session.pk)


def test_refresh_rotates_and_the_old_refresh_stops_working(api_client, signed_in, citizen_user):
    _, tokens = signed_in(citizen_user)

    r = refresh(api_client, tokens["refresh"])

    assert r.status_code == 200, r.json()
    assert r.json()["refresh"] != tokens["refresh"]
    again = refresh(api_client, tokens["refresh"])  # within the grace: refused, nothing revoked
    assert again.status_code == 401, again.json()
    assert bearer(r.json()["access"]).get("/api/v1/me").status_code == 200
    assert refresh(api_client, r.json()["refresh"]).status_code == 200


def test_refresh_updates_last_used(api_client, signed_in, citizen_user):
    _, tokens = signed_in(citizen_user)
    Session.objects.update(last_used_at=timezone.now() - timedelta(days=3))

    refresh(api_client, tokens["refresh"])

    assert Session.objects.get().last_used_at > timezone.now() - timedelta(minutes=1)


def test_reuse_of_a_rotated_refresh_token_revokes_the_session(
    api_client, signed_in, citizen_user, settings, committed
):
    # Given a session whose refresh token was rotated, the new pair held by the real app
    settings.ACCOUNTS_REFRESH_REUSE_GRACE_SECONDS = 0
    _, stolen = signed_in(citizen_user)
    legit = refresh(api_client, stolen["refresh"]).json()
    BlacklistedToken.objects.update(blacklisted_at=timezone.now() - timedelta(seconds=5))

    # When the old refresh token is presented again (a thief, or a cloned app)
    with committed():
        r = refresh(api_client, stolen["refresh"])

    # Then the whole session is revoked: the legitimate tokens die too, at once
    assert r.status_code == 401, r.json()
    assert r.json()["code"] == "refresh_token_reused"
    assert Session.objects.get().revoked_reason == "refresh_reuse"
    assert refresh(api_client, legit["refresh"]).json()["code"] == "session_revoked"
    assert bearer(legit["access"]).get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(action="session_revoked_refresh_reuse").exists()


def test_an_access_token_is_not_a_refresh_token(api_client, signed_in, citizen_user):
    _, tokens = signed_in(citizen_user)

    r = refresh(api_client, tokens["access"])

    assert r.status_code == 401, r.json()
    assert r.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c"])
def test_garbage_refresh_is_refused(api_client, garbage):
    r = refresh(api_client, garbage)

    assert r.status_code in (400, 401), r.json()


def test_logout_stops_the_access_token_at_once(signed_in, citizen_user, committed):
    client, tokens = signed_in(citizen_user)
    other_client, _ = signed_in(citizen_user)

    with committed():
        r = client.post("/api/v1/auth/logout")

    assert r.status_code == 204
    me = client.get("/api/v1/me")
    assert me.status_code == 401, me.json()
    assert me.json()["code"] == "token_not_valid"
    assert refresh(client, tokens["refresh"]).status_code == 401
    assert other_client.get("/api/v1/me").status_code == 200


def test_logout_all_ends_every_session(signed_in, citizen_user, committed):
    first, _ = signed_in(citizen_user)
    second, _ = signed_in(citizen_user)

    with committed():
        assert first.post("/api/v1/auth/logout-all").status_code == 204

    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401
    assert not Session.objects.filter(revoked_at__isnull=True).exists()


def test_session_list_marks_the_current_one(signed_in, citizen_user, django_assert_max_num_queries):
    client, _ = signed_in(citizen_user, device_name="Phone A")
    signed_in(citizen_user, device_name="Phone B")
    signed_in(UserFactory(), device_name="Someone else")

    with django_assert_max_num_queries(2):
        r = client.get("/api/v1/me/sessions")

    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["device_name"] for row in rows] == ["Phone B", "Phone A"]
    assert [row["current"] for row in rows] == [False, True]
    assert set(rows[0]) == {
        "id", "device_name", "ip", "user_agent", "created_at", "last_used_at", "current",
    }  # fmt: skip


def test_delete_a_session_signs_that_device_out(signed_in, citizen_user, committed):
    client, _ = signed_in(citizen_user, device_name="mine")
    lost, _ = signed_in(citizen_user, device_name="lost")
    lost_id = Session.objects.get(device_name="lost").pk

    with committed():
        r = client.delete(f"/api/v1/me/sessions/{lost_id}")

    assert r.status_code == 204
    assert lost.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200


def test_someone_elses_session_is_404(signed_in, citizen_user):
    client, _ = signed_in(citizen_user)
    signed_in(UserFactory(), device_name="theirs")
    theirs = Session.objects.get(device_name="theirs")

    for session_id in [theirs.pk, "not-a-uuid", "00000000-0000-0000-0000-000000000000"]:
        r = client.delete(f"/api/v1/me/sessions/{session_id}")
        assert r.status_code == 404, r.json()
    assert Session.objects.get(pk=theirs.pk).revoked_at is None


def test_me_shows_the_profile_with_a_masked_phone(signed_in):
    user = UserFactory(insuree=InsureeFactory(phone="+84912345678"))
    client, _ = signed_in(user)

    r = client.get("/api/v1/me")

    assert r.status_code == 200, r.json()
    assert r.json()["phone"] == "+84 91*****78"
    assert r.json()["social_insurance_number"] == user.insuree.social_insurance_number
    assert r.json()["insuree_id"] == str(user.insuree.public_id)


def test_an_authenticated_request_costs_one_query_less_than_plain_simplejwt(
    signed_in, citizen_user
):
    """The user comes from the token's claims: simplejwt's user query is gone."""
    _, tokens = signed_in(citizen_user)
    factory = APIRequestFactory()

    def queries_with(auth_class) -> int:
        view = MeApi.as_view(authentication_classes=[auth_class])
        request = factory.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        with CaptureQueriesContext(connection) as ctx:
            response = view(request)
        assert response.status_code == 200, response.data
        return len(ctx.captured_queries)

    queries_with(SessionJWTAuthentication)  # this process loads its revocation set once
    assert queries_with(SessionJWTAuthentication) == queries_with(JWTAuthentication) - 1


def test_a_token_without_session_id_is_refused(citizen_user):
    from rest_framework_simplejwt.tokens import AccessToken

    r = bearer(str(AccessToken.for_user(citizen_user))).get("/api/v1/me")

    assert r.status_code == 401, r.json()


@pytest.mark.redis
def test_the_revocation_stamp_and_lockout_live_in_redis(
    redis_cache, signed_in, citizen_user, api_client, committed, settings
):
    import redis

    client, _ = signed_in(citizen_user)
    with committed():
        client.post("/api/v1/auth/logout")
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 2
    login(api_client, citizen_user.username, "wrong")
    locked = login(api_client, citizen_user.username, "wrong")

    keys = [key.decode() for key in redis.Redis.from_url(redis_cache).keys("*")]
    assert client.get("/api/v1/me").status_code == 401
    assert locked.status_code == 423, locked.json()
    assert any("accounts:revocations:version" in key for key in keys), keys
    # The lock itself lives in the database, where no cache eviction can forget it.
    assert not any("accounts:lock:" in key for key in keys), keys
    assert LoginLock.objects.get(key=citizen_user.username.lower()).locked_until is not None
