"""The one place that points firebase-admin's messaging at another FCM address.

firebase-admin 7.x has no public setting for the FCM endpoint: ``_MessagingService`` builds
``self._fcm_url`` from the class constant ``FCM_URL`` (``https://fcm.googleapis.com/v1/
projects/{project}/messages:send``) and sends through ``self._client`` (a ``JsonHttpClient``
whose ``session`` is a ``requests`` session with a 100-connection adapter mounted for
``https://fcm.googleapis.com`` only). With ``FCM_ENDPOINT`` set (tests, the benchmark, a
local emulator), :func:`messaging_point_at` rewrites that URL on the app's service instance
and mounts the same kind of adapter for the new address. It relies on those two private
attributes, which is why ``pyproject.toml`` pins firebase-admin to a tested range and
``tests/notifications/test_fcm.py::test_the_endpoint_override_still_fits_firebase_admin``
fails when an upgrade moves them.
"""

from __future__ import annotations

from typing import Any

import requests
from firebase_admin import App, _http_client, messaging

FCM_PATH = "/v1/projects/{project}/messages:send"
EXPECTED_FCM_URL = "https://fcm.googleapis.com" + FCM_PATH.replace("{project}", "{0}")


class EndpointOverrideBroken(RuntimeError):
    """This firebase-admin version no longer has the attributes the override rewrites."""


def messaging_service(app: App) -> Any:
    return messaging._get_messaging_service(app)


def messaging_point_at(app: App, endpoint: str, *, retries: int = 4) -> str:
    """Send ``app``'s FCM messages to ``endpoint`` (``http://127.0.0.1:PORT``); returns the
    URL now used. ``retries`` mirrors the library's own retry of 500/503 answers."""
    service = messaging_service(app)
    client: Any = getattr(service, "_client", None)
    if not hasattr(service, "_fcm_url") or not hasattr(client, "session"):
        raise EndpointOverrideBroken(
            "firebase_admin.messaging._MessagingService changed: see notifications/push/"
            "fcm_endpoint.py"
        )
    base = endpoint.rstrip("/")
    service._fcm_url = base + FCM_PATH.format(project=app.project_id)
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=100,
        pool_maxsize=100,
        # the library's own retry policy (500/503 with backoff, last answer returned)
        max_retries=_http_client.DEFAULT_RETRY_CONFIG.new(status=retries),
    )
    client.session.mount(base, adapter)
    return str(service._fcm_url)
