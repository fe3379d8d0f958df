"""Production: secrets come from the environment, DEBUG is off, transport is HTTPS only.

Importing this module with the development secret, a weak or short JWT signing key, DEBUG on,
no shared cache (REDIS_URL) or the console SMS backend raises ImproperlyConfigured, so a
misconfigured server refuses to start. Without a shared cache each worker would keep its own
throttle counters and revocation hints; the console SMS backend would write codes to the log.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DATABASE_URL,
    DEBUG,
    DEFAULT_SECRET_KEY,
    REDIS_URL,
    SECRET_KEY,
    SIMPLE_JWT,
    env_bool,
    env_int,
)

MIN_KEY_LENGTH = 50
MIN_KEY_DISTINCT_CHARACTERS = 12


def _weak_key(key: object) -> bool:
    """Too short, the development default, or too few distinct characters ("aaaa...")."""
    text = str(key or "")
    return (
        text == DEFAULT_SECRET_KEY
        or len(text) < MIN_KEY_LENGTH
        or len(set(text)) < MIN_KEY_DISTINCT_CHARACTERS
    )


if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=false).")
if _weak_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random value of 50+ characters."
    )
if _weak_key(SIMPLE_JWT["SIGNING_KEY"]):
    raise ImproperlyConfigured(
        "JWT_SIGNING_KEY (or SECRET_KEY, its default) must be a random value of 50+ characters."
    )
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must point at the shared Redis in production: throttles, locks and "
        "revocation hints must be the same in every worker."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
SMS_BACKEND = os.environ.get("SMS_BACKEND", "http")
if SMS_BACKEND in {"console", "memory"}:
    raise ImproperlyConfigured(
        f"SMS_BACKEND={SMS_BACKEND} cannot send codes to anyone in production; use http."
    )
PUSH_BACKEND = os.environ.get("PUSH_BACKEND", "fcm")
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", True)
