"""Production: secrets come from the environment, DEBUG is off, transport is HTTPS only.

Importing this module with the development secret or with DEBUG on raises
ImproperlyConfigured, so a misconfigured server refuses to start.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, DEBUG, DEFAULT_SECRET_KEY, SECRET_KEY, env_bool, env_int

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (set DEBUG=false).")
if not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random value of 50+ characters."
    )
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")

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
PUSH_BACKEND = os.environ.get("PUSH_BACKEND", "fcm")
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", True)
