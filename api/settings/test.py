"""Test settings: fast hashing, in-memory side channels, and whatever DATABASE_URL says."""

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, REST_FRAMEWORK

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; prod is Argon2
SMS_BACKEND = "memory"
PUSH_BACKEND = "memory"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CACHES = {
    **CACHES,
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"},
}
_RATES: dict[str, str] = REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # type: ignore[assignment]
# Throttles are exercised by their own tests with explicit rates; the suite must not trip them.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(_RATES, "100000/min"),
}
LANGUAGE_CODE = "en"
# healthcards: tests point HEALTHCARD_SIGNING_KEY_FILE at their tmp_path (tests/healthcards).
HEALTHCARD_SIGNING_KEY = ""
HEALTHCARD_SIGNING_KEY_AUTOCREATE = True
# A replica alias mirroring the test database, so the router can be tested (tests/api/
# test_replica.py turns replica reads on); off for every other test.
DATABASES = {**DATABASES, "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}}}
DATABASE_REPLICA_READS = False
