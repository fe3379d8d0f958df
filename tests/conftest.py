"""Shared fixtures: API clients per role, and a real Redis for the tests that need one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.core.servers.basehttp import WSGIServer
from rest_framework.test import APIClient

from api.roles import Role
from tests.accounts.factories import InsureeFactory, UserFactory

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")

# The live test server (pytest-django's live_server) listens with a backlog of 10: bursts of
# forty simultaneous connections, as the concurrency tests send, would be reset. A real
# server's backlog is in the hundreds.
WSGIServer.request_queue_size = 128


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def citizen(db):
    return UserFactory(role=Role.CITIZEN, insuree=InsureeFactory())


@pytest.fixture
def citizen_client(citizen) -> APIClient:
    client = APIClient()
    client.force_authenticate(citizen)
    return client


def _client_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role, insuree=None))
    return client


@pytest.fixture
def support_client(db) -> APIClient:
    return _client_for(Role.SUPPORT)


@pytest.fixture
def agency_client(db) -> APIClient:
    return _client_for(Role.AGENCY)


@pytest.fixture
def clinic_user(db):
    return UserFactory(role=Role.CLINIC, insuree=None)


def _redis_available(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url() -> str:
    """A real Redis. Skipped on a laptop without one; CI (CI=true) must have it."""
    if not _redis_available(REDIS_TEST_URL):
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI and not reachable at {REDIS_TEST_URL}")
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    return REDIS_TEST_URL


@pytest.fixture
def redis_cache(settings, redis_url) -> Iterator[str]:
    """Point the default cache (and so throttles) at a real, emptied Redis database."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "api.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test",
        }
    }
    yield redis_url  # Django's setting_changed handler rebuilds the cache connections
    redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture(autouse=True)
def _clear_locmem_cache() -> Iterator[None]:
    """Tests must not see each other's cache entries (throttle counters, revocations), nor
    the QR images a process keeps in front of it."""
    from healthcards.services.qr import local_images

    caches["default"].clear()
    local_images.clear()
    yield
    caches["default"].clear()
    local_images.clear()


@pytest.fixture(autouse=True)
def _fresh_revocation_set() -> Iterator[None]:
    """Each test starts as a fresh process: the in-memory revocation set loads on first use,
    and no access token is known to be valid yet."""
    from accounts.authentication import validated_tokens
    from accounts.revocation import revocations

    revocations.forget()
    validated_tokens.clear()
    yield
    revocations.forget()


@pytest.fixture
def celery_redis_worker(redis_url):
    """A real Celery worker thread consuming from Redis; tasks are not eager inside."""
    import redis
    from celery.contrib.testing import tasks  # noqa: F401 - registers celery.ping
    from celery.contrib.testing.worker import start_worker

    from api.celery import app

    redis.Redis.from_url(redis_url).flushdb()
    saved = {
        key: app.conf[key]
        for key in (
            "broker_url",
            "result_backend",
            "task_always_eager",
            "broker_connection_retry_on_startup",
        )
    }
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        broker_connection_retry_on_startup=False,
    )
    _forget_celery_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        _forget_celery_connections(app)
        redis.Redis.from_url(redis_url).flushdb()


def _forget_celery_connections(app) -> None:
    """Celery caches its result backend (per thread) and broker pools on first use; after a
    configuration change they must be rebuilt from the new settings."""
    if hasattr(app._local, "backend"):
        del app._local.backend
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Celery publishing to a broker that is not there (nothing listens on port 1)."""
    from api.celery import app

    changes = {
        "broker_url": "redis://127.0.0.1:1/0",
        "task_always_eager": False,
        "task_publish_retry": False,
        "broker_connection_retry": False,
        "broker_connection_timeout": 1,
        "broker_transport_options": {"max_retries": 0},
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    _forget_celery_connections(app)
    yield
    app.conf.update(saved)
    _forget_celery_connections(app)
