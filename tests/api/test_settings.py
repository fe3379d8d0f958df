"""Production settings refuse unsafe configurations and pass ``check --deploy``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 30 + "-production-secret-from-environment-" + "z" * 20


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "REDIS_URL",
            "JWT_SIGNING_KEY",
            "SMS_BACKEND",
        }
    }
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "api.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PROD_DB = "postgres://vss@db.internal:5432/vss"
PROD_REDIS = "redis://cache.internal:6379/0"
GOOD = {
    "SECRET_KEY": GOOD_SECRET,
    "DEBUG": "false",
    "DATABASE_URL": PROD_DB,
    "REDIS_URL": PROD_REDIS,
    "ALLOWED_HOSTS": "api.example.vn",
}


def test_production_refuses_the_default_secret():
    result = run_manage("check", DEBUG="false", DATABASE_URL=PROD_DB)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret():
    result = run_manage("check", SECRET_KEY="short", DEBUG="false", DATABASE_URL=PROD_DB)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("debug", ["true", "1", ""])
def test_production_refuses_debug(debug):
    # DEBUG defaults to on for development, so an unset DEBUG is refused too.
    result = run_manage("check", SECRET_KEY=GOOD_SECRET, DEBUG=debug, DATABASE_URL=PROD_DB)

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_to_run_without_postgres():
    result = run_manage("check", SECRET_KEY=GOOD_SECRET, DEBUG="false", REDIS_URL=PROD_REDIS)

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_passes_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **GOOD,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_postgres_connections_persist():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("persistent connections matter on PostgreSQL only")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_time_and_language_defaults():
    from django.conf import settings

    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def test_production_refuses_to_run_without_a_shared_cache():
    env = {**GOOD}
    del env["REDIS_URL"]

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "REDIS_URL must point" in result.stderr


@pytest.mark.parametrize(
    "key",
    ["abc", "x" * 64, "0123456789" * 3, "ab" * 40],
    ids=["short", "one-character", "too-short-digits", "two-characters"],
)
def test_production_refuses_a_weak_jwt_signing_key(key):
    result = run_manage("check", **GOOD, JWT_SIGNING_KEY=key)

    assert result.returncode != 0
    assert "JWT_SIGNING_KEY" in result.stderr


@pytest.mark.parametrize("backend", ["console", "memory"])
def test_production_refuses_an_sms_backend_that_sends_nothing(backend):
    result = run_manage("check", **GOOD, SMS_BACKEND=backend)

    assert result.returncode != 0
    assert f"SMS_BACKEND={backend}" in result.stderr


def test_production_accepts_a_strong_jwt_signing_key():
    strong = "Jq7-vR2xLm9_Tz4pWc8sNb3kHf6dGy1aUe5oXi0ZrBtV-Qw2Ex8Pz"  # 52 characters
    result = run_manage("check", **GOOD, JWT_SIGNING_KEY=strong)

    assert result.returncode == 0, result.stderr
