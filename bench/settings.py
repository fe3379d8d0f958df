"""Settings for benchmark servers: production-like (DEBUG off, persistent connections, Argon2),
plus the floor endpoints in bench/urls.py. Never used to serve real traffic."""

from api.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Benchmarks measure the work of a request, not the throttles that would cut a load test short.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "100000000/min",
    ),
}
ACCOUNTS_LOGIN_MAX_FAILURES = 10**9
