"""Citizen reads from the replica, with read-your-writes; writes always on the primary.

The ``replica`` alias is Django's test mirror of the default database (api/settings/test.py):
queries sent to it are counted on its own connection, so the routing shows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.models import Session
from api import replica
from tests.accounts.conftest import PASSWORD, bearer, login
from tests.contributions.factories import ContributionRecordFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)

HISTORY = "/api/v1/contributions/"


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_REPLICA_READS = True
    replica._recent_writers.clear()
    yield
    replica._recent_writers.clear()


@pytest.fixture
def signed_in_citizen(citizen, api_client):
    ContributionRecordFactory(insuree=citizen.insuree, month=date(2024, 1, 1))
    r = login(api_client, citizen.username, PASSWORD)
    assert r.status_code == 200, r.json()
    return bearer(r.json()["access"]), r.json()


def queries_on(alias, client, method, path, body=None):
    with (
        CaptureQueriesContext(connections[alias]) as on_alias,
        CaptureQueriesContext(connections["default" if alias == "replica" else "replica"]),
    ):
        r = getattr(client, method)(path, body, format="json")
    return r, [q["sql"] for q in on_alias.captured_queries]


def test_citizen_reads_go_to_the_replica(replica_on, signed_in_citizen):
    client, _ = signed_in_citizen

    for path in (HISTORY, "/api/v1/contributions/summary", "/api/v1/benefits/"):
        r, on_replica = queries_on("replica", client, "get", path)
        _, on_primary = queries_on("default", client, "get", path)
        assert r.status_code == 200, r.json()
        assert any("contributions_" in sql for sql in on_replica), (path, on_replica)
        assert not any("contributions_contributionrecord" in sql for sql in on_primary), path
    [history] = queries_on("replica", client, "get", HISTORY)[1]
    assert "contributions_contributionrecord" in history  # the raw query follows the router


def test_after_a_write_the_user_reads_from_the_primary(replica_on, signed_in_citizen, citizen):
    client, tokens = signed_in_citizen
    login_again(citizen)
    other_session = Session.objects.exclude(pk=session_of(tokens)).get()

    r = client.delete(f"/api/v1/me/sessions/{other_session.pk}")  # a write
    assert r.status_code == 204
    r, on_replica = queries_on("replica", client, "get", HISTORY)

    assert r.status_code == 200, r.json()
    assert on_replica == []  # read-your-writes: the primary served it


def test_the_sticky_window_ends(replica_on, signed_in_citizen, citizen, settings):
    client, _ = signed_in_citizen
    settings.DATABASE_REPLICA_STICKY_SECONDS = 0
    replica.user_wrote(citizen.pk)  # a write whose window is already over

    _r, on_replica = queries_on("replica", client, "get", HISTORY)

    assert on_replica


def test_another_process_knows_of_the_write_through_the_cache(replica_on, citizen):
    replica.user_wrote(citizen.pk)
    replica._recent_writers.clear()  # another process: nothing in its memory

    assert replica.user_wrote_recently(citizen.pk)


def test_an_unreadable_cache_means_the_primary(replica_on, citizen, monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(replica, "cache", Down())

    assert replica.user_wrote_recently(citizen.pk)


def test_writes_and_other_reads_stay_on_the_primary(replica_on, signed_in_citizen):
    client, _ = signed_in_citizen

    r, on_replica = queries_on("replica", client, "get", "/api/v1/me/sessions")
    assert r.status_code == 200
    assert on_replica == []  # not a replica view
    r, on_replica = queries_on("replica", client, "post", "/api/v1/auth/logout", {})
    assert r.status_code == 204
    assert on_replica == []


def test_without_the_setting_nothing_reads_from_the_replica(signed_in_citizen, settings):
    settings.DATABASE_REPLICA_READS = False
    client, _ = signed_in_citizen

    _r, on_replica = queries_on("replica", client, "get", HISTORY)

    assert on_replica == []


def test_migrations_never_run_on_the_replica():
    router = replica.ReplicaRouter()

    assert router.allow_migrate("replica", "contributions") is False
    assert router.allow_migrate("default", "contributions") is True
    assert router.db_for_write(object()) is None


def login_again(citizen):
    from rest_framework.test import APIClient

    r = login(APIClient(), citizen.username, PASSWORD)
    assert r.status_code == 200, r.json()
    return bearer(r.json()["access"]), r.json()


def session_of(tokens):
    from rest_framework_simplejwt.tokens import AccessToken

    return AccessToken(tokens["access"])["sid"]
