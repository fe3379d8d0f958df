import pytest
from django.db import connection


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access here would raise.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": True, "cache": True}}


@pytest.mark.django_db
def test_readyz_with_redis_cache(client, redis_cache):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "api.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "cache": False}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
