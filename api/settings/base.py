"""Settings for every mode. The environment is read here and only here (12-factor).

Development defaults need no service: SQLite, local-memory cache, eager Celery, console
SMS and push. ``production.py`` and ``test.py`` override a handful of values.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEFAULT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Where secrets and generated keys live outside the repository in development.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "accounts.apps.AdminConfig",  # django.contrib.admin with the 2FA-aware site (accounts)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Our apps, in dependency order: each may import only those above it.
    "api",
    "notifications",
    "accounts",
    "contributions",
    "healthcards",
    "console",  # the support console in the browser (composes accounts and healthcards)
]

MIDDLEWARE = [
    # Request id on every log line and response; NUL characters and oversized bodies refused.
    "api.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "api.problem_middleware.ProblemFallbackMiddleware",
    "api.caching.PrivateNoStoreMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "api.replica.ReadYourWritesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "api.urls"
WSGI_APPLICATION = "api.wsgi.application"
ASGI_APPLICATION = "api.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (production, CI); without it, SQLite in the project folder.
# Connections to PostgreSQL persist across requests: opening one per request costs about three
# quarters of the throughput on a small machine.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
# Health checks cost a "SELECT 1" round trip per request (about 0.2 ms) and spare the first
# request after a database restart an error; turn off where every tenth of a ms counts.
CONN_HEALTH_CHECKS = env_bool("CONN_HEALTH_CHECKS", True)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_HEALTH_CHECKS
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica for citizen reads (api/replica.py): read-only views of a user who has not
# written for DATABASE_REPLICA_STICKY_SECONDS read from it; everything else uses "default".
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_HEALTH_CHECKS
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["api.replica.ReplicaRouter"]
DATABASE_REPLICA_READS = bool(DATABASE_REPLICA_URL)
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 10)

# --- Cache, Redis, Celery -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "api.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "vss"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "vss-default",
        }
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Workers keep Django's logging (JSON lines, personal data masked) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Argon2id, 19 MiB, 2 passes, 1 lane: OWASP's recommendation (accounts/hashers.py says why).
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

# --- API conventions ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bounded nesting, no NUL characters, 413 over DATA_UPLOAD_MAX_MEMORY_SIZE (api.parsers).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.UserRateThrottle",
        "api.throttles.AnonRateThrottle",
        # Views that name a throttle_scope (support, TOTP, ...) get its rate as well.
        "api.throttles.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("THROTTLE_USER", "600/min"),
        "anon": os.environ.get("THROTTLE_ANON", "120/min"),
        # Per IP, failed attempts only (successes give their count back): generous enough for
        # carrier-grade NAT; the per-account lock is the primary guard against guessing.
        "login": os.environ.get("THROTTLE_LOGIN", "60/min"),
        "otp": os.environ.get("THROTTLE_OTP", "10/min"),
        "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "10/min"),
        "clinic_verify": os.environ.get("THROTTLE_CLINIC_VERIFY", "6000/min"),
        "clinic_lookup": os.environ.get("THROTTLE_CLINIC_LOOKUP", "10/min"),
        "support": os.environ.get("THROTTLE_SUPPORT", "600/min"),
        # per client IP: a 12-character code is not guessable at this rate
        "statement_verify": os.environ.get("THROTTLE_STATEMENT_VERIFY", "30/min"),
    },
    # How many reverse proxies append to X-Forwarded-For. 0 (no proxy) means the socket's
    # address is the client: DRF's own default (None) would believe any X-Forwarded-For a
    # client sends, letting it dodge every per-IP throttle and OTP cap.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": os.environ.get("JWT_SIGNING_KEY", SECRET_KEY),
    "ALGORITHM": "HS256",
    "AUDIENCE": "vss-api",
    "ISSUER": "vss",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "VSS citizen API",
    "DESCRIPTION": (
        "Contributions, benefits, health cards and notifications for insured citizens, "
        "clinics and support staff. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a "status" field with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "CardStatusEnum": "healthcards.models.CardStatus",
        "CardCaseStatusEnum": "healthcards.models.CardCaseStatus",
        "ContributionStatusEnum": "contributions.models.RecordStatus",
        "BenefitStatusEnum": "contributions.models.BenefitStatus",
        "DeclarationStatusEnum": "contributions.models.DeclarationStatus",
        "ImportJobStatusEnum": "contributions.models.ImportJobStatus",
        "PhoneChangeStatusEnum": "accounts.serializers.PHONE_CHANGE_STATUSES",
        "RelationEnum": "accounts.selectors.VIEWER_RELATIONS",
        "GenderEnum": "accounts.models.Gender",
        "RoleEnum": "api.roles.Role",
        "SchemeEnum": "contributions.models.Scheme",
        "BenefitKindEnum": "contributions.models.BenefitKind",
        "PaymentMethodEnum": "contributions.models.PaymentMethod",
        "ScanResultEnum": "healthcards.models.ScanResult",
        "CardCaseKindEnum": "healthcards.models.CardCaseKind",
        "NotificationKindEnum": "notifications.kinds.Kind",
        "StatementStateEnum": "contributions.models.StatementState",
        "StatementCheckEnum": "contributions.models.StatementCheck",
    },
}

# --- Domain settings ------------------------------------------------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("SMS_GATEWAY_KEY", "")
PUSH_BACKEND = os.environ.get("PUSH_BACKEND", "console")  # fcm | console | memory

# --- Notifications (docs/notifications.md) ---------------------------------------------------
# PUSH_BACKEND=fcm: a Firebase service-account JSON file, the project (defaults to the file's)
# and, for a local server only (tests, bench, an emulator), another FCM address.
FCM_CREDENTIALS_FILE = os.environ.get("FCM_CREDENTIALS_FILE", "")
FCM_PROJECT_ID = os.environ.get("FCM_PROJECT_ID", "")
FCM_ENDPOINT = os.environ.get("FCM_ENDPOINT", "")
FCM_HTTP_RETRIES = env_int("FCM_HTTP_RETRIES", 4)  # the library's retries of 500/503 answers
# The outbox: a delivery still pending this long after it was written is picked up by the
# periodic task; transient failures back off from BASE doubling up to MAX seconds, and fail
# for good after MAX_ATTEMPTS; a claimed delivery is reclaimed after the lease.
NOTIFICATIONS_RESEND_AFTER_SECONDS = env_int("NOTIFICATIONS_RESEND_AFTER_SECONDS", 60)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 8)
NOTIFICATIONS_CLAIM_LEASE_SECONDS = env_int("NOTIFICATIONS_CLAIM_LEASE_SECONDS", 300)
NOTIFICATIONS_CAMPAIGN_BATCH = env_int("NOTIFICATIONS_CAMPAIGN_BATCH", 1000)
# Plug-ins: notifications imports none of our apps, so the apps that own the data hand it
# these (dotted paths, loaded on use). The SMS sender ``(user_id=, text=) -> bool`` queues an
# SMS to the phone on file (security notices to a user without an active device); the
# audience module has ``audience_errors(segment)`` and ``audience_page(segment, after,
# limit)`` (campaign segments: province, scheme, age).
NOTIFICATIONS_SMS_SENDER = "accounts.services.sms_to_user_queue"
NOTIFICATIONS_CAMPAIGN_AUDIENCE = "contributions.audience"
CELERY_BEAT_SCHEDULE["notifications-deliveries-resend"] = {
    "task": "notifications.tasks.deliveries_resend_due_task",
    "schedule": timedelta(seconds=env_int("NOTIFICATIONS_RESEND_EVERY_SECONDS", 30)),
}
# Retention (days): finished deliveries, inbox rows, and devices after their deactivation.
NOTIFICATIONS_DELIVERY_RETENTION_DAYS = env_int("NOTIFICATIONS_DELIVERY_RETENTION_DAYS", 30)
NOTIFICATIONS_INBOX_RETENTION_DAYS = env_int("NOTIFICATIONS_INBOX_RETENTION_DAYS", 365)
NOTIFICATIONS_DEVICE_RETENTION_DAYS = env_int("NOTIFICATIONS_DEVICE_RETENTION_DAYS", 90)
CELERY_BEAT_SCHEDULE["notifications-prune"] = {
    "task": "notifications.tasks.notifications_prune_task",
    "schedule": crontab(hour=3, minute=30),
}
CELERY_BEAT_SCHEDULE["notifications-campaigns-due"] = {
    "task": "notifications.tasks.campaigns_start_due_task",
    "schedule": timedelta(minutes=1),
}

# --- Accounts ------------------------------------------------------------------------------
# Lockout: after LOGIN_MAX_FAILURES failed logins for one account within LOGIN_FAILURE_WINDOW,
# it is locked for LOCK_BASE_SECONDS, doubling with each further lock (capped).
ACCOUNTS_LOGIN_MAX_FAILURES = env_int("ACCOUNTS_LOGIN_MAX_FAILURES", 5)
ACCOUNTS_LOGIN_FAILURE_WINDOW_SECONDS = env_int("ACCOUNTS_LOGIN_FAILURE_WINDOW_SECONDS", 900)
ACCOUNTS_LOCK_BASE_SECONDS = env_int("ACCOUNTS_LOCK_BASE_SECONDS", 300)
ACCOUNTS_LOCK_MAX_SECONDS = env_int("ACCOUNTS_LOCK_MAX_SECONDS", 86400)
# OTP challenges sent by SMS.
ACCOUNTS_OTP_TTL_SECONDS = env_int("ACCOUNTS_OTP_TTL_SECONDS", 300)
ACCOUNTS_OTP_MAX_ATTEMPTS = env_int("ACCOUNTS_OTP_MAX_ATTEMPTS", 5)
ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = env_int("ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS", 60)
ACCOUNTS_OTP_DAILY_CAP_PER_PHONE = env_int("ACCOUNTS_OTP_DAILY_CAP_PER_PHONE", 10)
ACCOUNTS_OTP_DAILY_CAP_PER_IP = env_int("ACCOUNTS_OTP_DAILY_CAP_PER_IP", 50)
# A rotated refresh token presented again after this grace revokes its whole session; within
# it (two requests of one app racing), the late one is refused without revoking anything.
ACCOUNTS_REFRESH_REUSE_GRACE_SECONDS = env_int("ACCOUNTS_REFRESH_REUSE_GRACE_SECONDS", 10)
# Revoked sessions: each process keeps the ids revoked within the access-token lifetime in
# memory, checks the shared cache's version stamp at most this often (seconds; also the longest
# a revocation takes to reach another process) and reloads from the database when it moved, is
# missing or unreadable, and at least every RELOAD seconds whatever the stamp says.
ACCOUNTS_REVOCATION_REFRESH_SECONDS = float(
    os.environ.get("ACCOUNTS_REVOCATION_REFRESH_SECONDS", "1")
)
ACCOUNTS_REVOCATION_RELOAD_SECONDS = env_int("ACCOUNTS_REVOCATION_RELOAD_SECONDS", 30)
# Revoked sessions are kept this long for the record, then pruned.
ACCOUNTS_SESSION_RETENTION_DAYS = env_int("ACCOUNTS_SESSION_RETENTION_DAYS", 30)
# A phone change takes effect this long after its approval.
PHONE_CHANGE_COOLING_OFF = timedelta(hours=env_int("PHONE_CHANGE_COOLING_OFF_HOURS", 24))
# Whether the admin site requires a verified TOTP device (on in production).
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "VSS"
CELERY_BEAT_SCHEDULE["accounts-prune"] = {
    "task": "accounts.tasks.accounts_prune",
    "schedule": timedelta(days=1),
}
CELERY_BEAT_SCHEDULE["accounts-phone-changes-apply"] = {
    "task": "accounts.tasks.phone_changes_apply",
    "schedule": timedelta(minutes=5),
}

# --- Contributions -------------------------------------------------------------------------
# Largest declaration file accepted by POST /api/v1/agency/imports (bytes).
CONTRIBUTIONS_IMPORT_MAX_BYTES = env_int("CONTRIBUTIONS_IMPORT_MAX_BYTES", 64 * 1024 * 1024)
# Import jobs: one still running after TIMEOUT has lost its worker (the largest file takes a
# few minutes) and is failed; one still queued after REQUEUE lost its message and is handed
# to a worker again (it runs once whatever the number of messages).
CONTRIBUTIONS_IMPORT_JOB_TIMEOUT_SECONDS = env_int("CONTRIBUTIONS_IMPORT_JOB_TIMEOUT_SECONDS", 3600)
CONTRIBUTIONS_IMPORT_JOB_REQUEUE_SECONDS = env_int("CONTRIBUTIONS_IMPORT_JOB_REQUEUE_SECONDS", 300)
CELERY_BEAT_SCHEDULE["contributions-import-jobs-reap"] = {
    "task": "contributions.import_jobs_reap",
    "schedule": timedelta(minutes=5),
}
# Employer arrears of 30 days or more are announced on the 10th of each month.
CELERY_BEAT_SCHEDULE["contributions-employer-arrears"] = {
    "task": "contributions.employer_arrears_notify",
    "schedule": crontab(hour=9, minute=0, day_of_month=10),
}

# --- Security headers (tightened further in production.py) ----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Largest request body read into memory (JSON); larger ones answer 413. File uploads stream.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2621440)

# JSON lines with the request id; national IDs, phone numbers, codes and tokens masked
# (api.logs). LOG_FORMAT=plain gives the old human-readable lines for local debugging, masked
# the same way.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "api.logs.JsonLinesFormatter"},
        "plain": {
            "()": "api.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (the development server's access log, "django" in DEBUG)
        # would bypass the masking formatter: send them through ours.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # One line per request (api.middleware); WARNING turns it off (benchmarks).
        "api.access": {"level": os.environ.get("ACCESS_LOG_LEVEL", "INFO")},
    },
}

# --- healthcards: the signed QR credential ---------------------------------------------------
# The Ed25519 private key that signs QR tokens: HEALTHCARD_SIGNING_KEY (PEM, or base64 of the
# raw 32-byte seed) wins over HEALTHCARD_SIGNING_KEY_FILE (a PEM file). Without either, and when
# HEALTHCARD_SIGNING_KEY_AUTOCREATE is on (development), a key is generated into the file on
# first use. `manage.py rotate_healthcard_key` writes new keys to the file.
HEALTHCARD_SIGNING_KEY = os.environ.get("HEALTHCARD_SIGNING_KEY", "")
HEALTHCARD_SIGNING_KEY_FILE = Path(
    os.environ.get("HEALTHCARD_SIGNING_KEY_FILE", VAR_DIR / "keys" / "healthcard_signing_key.pem")
)
HEALTHCARD_SIGNING_KEY_AUTOCREATE = env_bool("HEALTHCARD_SIGNING_KEY_AUTOCREATE", DEBUG)
HEALTHCARD_QR_TTL = env_int("HEALTHCARD_QR_TTL", 600)  # seconds a QR token lives
# A QR token is reused for the same card while it has at least this many seconds left, so the
# app and the rendered images hit the cache instead of signing and drawing per request.
HEALTHCARD_QR_MIN_REMAINING = env_int("HEALTHCARD_QR_MIN_REMAINING", 300)
HEALTHCARD_QR_AUDIENCE = "vss-clinic"
HEALTHCARD_QR_ISSUER = "vss"
# Retired keys stay in the JWKS this long after retirement (tokens they signed may be alive).
HEALTHCARD_JWKS_RETIRED_MARGIN = env_int("HEALTHCARD_JWKS_RETIRED_MARGIN", 300)
HEALTHCARD_JWKS_MAX_AGE = env_int("HEALTHCARD_JWKS_MAX_AGE", 300)
# How long a process trusts its in-memory copy of the public keys before reloading them.
HEALTHCARD_KEYRING_REFRESH_SECONDS = env_int("HEALTHCARD_KEYRING_REFRESH_SECONDS", 30)
HEALTHCARD_VERIFY_MAX_LENGTH = env_int("HEALTHCARD_VERIFY_MAX_LENGTH", 4096)
# A scan a clinic desk queued while offline (verify with "scanned_at") is accepted this long
# after it was made (an outage over a weekend fits).
HEALTHCARD_VERIFY_QUEUED_MAX_AGE = env_int("HEALTHCARD_VERIFY_QUEUED_MAX_AGE", 3 * 86400)
# How long a process remembers which facility a clinic user acts for.
HEALTHCARD_OPERATOR_CACHE_SECONDS = env_int("HEALTHCARD_OPERATOR_CACHE_SECONDS", 60)
# Scan notifications: a beat task tells holders about new scans every
# HEALTHCARD_SCAN_NOTIFY_SECONDS, so clinic verify never waits on the broker (in development
# without beat: `manage.py shell -c "from healthcards.tasks import *; scans_notify_pending_task()"`
# or run `celery -A api beat`).
HEALTHCARD_SCAN_NOTIFY_SECONDS = env_int("HEALTHCARD_SCAN_NOTIFY_SECONDS", 10)
CELERY_BEAT_SCHEDULE["healthcards-scans-notify"] = {
    "task": "healthcards.tasks.scans_notify_pending_task",
    "schedule": timedelta(seconds=HEALTHCARD_SCAN_NOTIFY_SECONDS),
}
# Holders are told this many days before their card expires (daily beat task).
HEALTHCARD_EXPIRY_NOTICE_DAYS = env_int("HEALTHCARD_EXPIRY_NOTICE_DAYS", 30)
CELERY_BEAT_SCHEDULE["healthcards-cards-expiring"] = {
    "task": "healthcards.tasks.cards_expiring_notify_task",
    "schedule": crontab(hour=8, minute=0),
}

# contributions: the verifiable statement. The issuer printed in its header; how long its signed
# QR stays valid (retired signing keys stay in the JWKS that long, see healthcards.keyring);
# the public address printed for the online check and the JWKS (empty: the requesting host).
STATEMENT_ISSUER_NAME = os.environ.get("STATEMENT_ISSUER_NAME", "BẢO HIỂM XÃ HỘI VIỆT NAM")
STATEMENT_ISSUER_NAME_EN = os.environ.get("STATEMENT_ISSUER_NAME_EN", "VIETNAM SOCIAL SECURITY")
STATEMENT_ISSUER_ADDRESS = os.environ.get(
    "STATEMENT_ISSUER_ADDRESS", "7 Tràng Thi, Hoàn Kiếm, Hà Nội, Việt Nam"
)
STATEMENT_VALID_DAYS = env_int("STATEMENT_VALID_DAYS", 180)
STATEMENT_TOKEN_ISSUER = "vss"  # noqa: S105 - a JWT issuer, not a secret
STATEMENT_TOKEN_AUDIENCE = "vss-statement"  # noqa: S105 - a JWT audience, not a secret
STATEMENT_PUBLIC_BASE_URL = os.environ.get("STATEMENT_PUBLIC_BASE_URL", "")
