"""Firebase Cloud Messaging through firebase-admin: ``messaging.send_each`` with at most 500
messages a call, one ``Message`` per device (each device's text is in its owner's language).

Settings: ``FCM_CREDENTIALS_FILE`` (a service-account JSON file; required unless
``FCM_ENDPOINT`` points at a local server), ``FCM_PROJECT_ID`` (defaults to the file's),
``FCM_ENDPOINT`` (empty: Google; see ``fcm_endpoint.py``), ``FCM_HTTP_RETRIES``.

Errors, from FCM's v1 error codes:
- ``UNREGISTERED``, ``SENDER_ID_MISMATCH``, and ``INVALID_ARGUMENT`` about the token: the
  token is dead, the device is deactivated at once;
- ``UNAVAILABLE``, ``INTERNAL``, ``QUOTA_EXCEEDED`` (and transport errors): retried later;
- anything else (``INVALID_ARGUMENT`` about the payload, ``THIRD_PARTY_AUTH_ERROR``...): the
  message fails, the device stays.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import firebase_admin
from django.conf import settings
from firebase_admin import credentials, exceptions, messaging
from google.auth.credentials import AnonymousCredentials

from notifications.push import BATCH_SIZE, Outcome, PushMessage, PushResult
from notifications.push.fcm_endpoint import messaging_point_at

APP_NAME = "vss-push"
# firebase-admin 7.7 deprecates ``Message.token`` for ``fid`` (Firebase installation ids). The
# apps register FCM registration tokens, which FCM's v1 API still takes as ``message.token``;
# moving to installation ids is a change of what the apps send, not of this module.
warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
_lock = threading.Lock()
_app: tuple[tuple[str, str, str], firebase_admin.App] | None = None

DEAD_TOKEN_ERRORS = (messaging.UnregisteredError, messaging.SenderIdMismatchError)
TRANSIENT_ERRORS = (
    messaging.QuotaExceededError,
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
    exceptions.ResourceExhaustedError,
    exceptions.UnknownError,  # transport failures (connection refused, timeouts)
)


def fcm_app() -> firebase_admin.App:
    """The process's firebase-admin app for the current settings (rebuilt if they change)."""
    global _app
    key = (settings.FCM_CREDENTIALS_FILE, settings.FCM_PROJECT_ID, settings.FCM_ENDPOINT)
    with _lock:
        if _app is not None and _app[0] == key:
            return _app[1]
        if _app is not None:
            firebase_admin.delete_app(_app[1])
            _app = None
        app = _app_create()
        if settings.FCM_ENDPOINT:
            messaging_point_at(app, settings.FCM_ENDPOINT, retries=settings.FCM_HTTP_RETRIES)
        _app = (key, app)
        return app


def _app_create() -> firebase_admin.App:
    options = {"projectId": settings.FCM_PROJECT_ID} if settings.FCM_PROJECT_ID else {}
    credential: Any
    if settings.FCM_CREDENTIALS_FILE:
        credential = credentials.Certificate(settings.FCM_CREDENTIALS_FILE)
    elif settings.FCM_ENDPOINT:
        credential = AnonymousCredentials()  # a local server: no OAuth token to fetch
    else:
        raise RuntimeError("PUSH_BACKEND=fcm needs FCM_CREDENTIALS_FILE (or FCM_ENDPOINT)")
    return firebase_admin.initialize_app(credential, options, name=APP_NAME)


def fcm_message(message: PushMessage) -> messaging.Message:
    return messaging.Message(
        token=message.token,
        notification=messaging.Notification(title=message.title, body=message.body),
        data=message.data,
    )


def fcm_result(response: messaging.SendResponse) -> PushResult:
    if response.success:
        return PushResult(Outcome.SENT, message_id=str(response.message_id))
    error = response.exception
    code = _fcm_code(error)
    if isinstance(error, DEAD_TOKEN_ERRORS) or (
        isinstance(error, exceptions.InvalidArgumentError) and _about_token(error)
    ):
        return PushResult(Outcome.INVALID_TOKEN, error=code)
    if isinstance(error, TRANSIENT_ERRORS):
        return PushResult(Outcome.RETRY, error=code)
    return PushResult(Outcome.FAILED, error=code)


def _fcm_code(error: Any) -> str:
    details = _error_body(error).get("details", [])
    for detail in details:
        if str(detail.get("@type", "")).endswith("fcm.v1.FcmError"):
            return str(detail.get("errorCode", ""))[:64]
    return str(getattr(error, "code", "") or type(error).__name__)[:64]


def _about_token(error: Any) -> bool:
    body = _error_body(error)
    for detail in body.get("details", []):
        for violation in detail.get("fieldViolations", []):
            if violation.get("field") == "message.token":
                return True
    return "registration token" in str(body.get("message", "")).lower()


def _error_body(error: Any) -> dict[str, Any]:
    response = getattr(error, "http_response", None)
    try:
        payload = response.json() if response is not None else {}
    except ValueError:
        return {}
    inner = payload.get("error") if isinstance(payload, dict) else None
    return inner if isinstance(inner, dict) else {}


class FcmBackend:
    def __init__(self) -> None:
        self.app = fcm_app()

    def send(self, messages: list[PushMessage]) -> list[PushResult]:
        if len(messages) > BATCH_SIZE:
            raise ValueError(f"at most {BATCH_SIZE} messages per call")
        if not messages:
            return []
        batch = messaging.send_each([fcm_message(m) for m in messages], app=self.app)
        return [fcm_result(response) for response in batch.responses]


def backend() -> FcmBackend:
    return FcmBackend()
