"""Request plumbing every request goes through before any view.

- A request id: the client's ``X-Request-ID`` when it is a short token, else a new one;
  returned as the ``X-Request-ID`` response header and written on every log line of the
  request (api.logs).
- One access-log line per request (logger ``api.access``): method, path, query string masked
  (api.logs.redact), status and duration, with the request id. Servers in front (gunicorn)
  can leave their own access log off: this one never carries an identifier or a code.
- Refusals that must come before any parsing: a NUL character in the path or the query string
  (400, PostgreSQL refuses it in text), and a JSON or form body over
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413; file uploads stream and have their own limit).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from api.error_codes import ErrorCode
from api.exceptions import PROBLEM_CONTENT_TYPE, problem_body
from api.logs import redact, request_id_var

access_logger = logging.getLogger("api.access")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{8,64}", re.ASCII)
# Bodies read whole into memory (JSON, forms) are limited here; uploads (multipart, text/csv)
# stream in chunks and are limited by the view that takes them.
_IN_MEMORY_TYPES = ("application/json", "application/x-www-form-urlencoded")


def _problem(status_code: int, code: str, detail: str) -> HttpResponse:
    return JsonResponse(
        problem_body(status_code=status_code, code=code, detail=detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _has_nul(request: HttpRequest) -> bool:
    raw = request.META.get("QUERY_STRING", "")
    return "\x00" in request.path or "\x00" in unquote(raw) or "\x00" in request.path_info


def _too_large(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    content_type = str(request.META.get("CONTENT_TYPE") or "")
    media_type = content_type.split(";")[0].strip().lower()
    if not limit or not (media_type in _IN_MEMORY_TYPES or media_type.endswith("+json")):
        return False
    return length.isascii() and length.isdigit() and int(length) > limit


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = str(request.headers.get(REQUEST_ID_HEADER, ""))
        request_id = given if _REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self._respond(request)
            response[REQUEST_ID_HEADER] = request_id
            _access_log(request, response.status_code, time.perf_counter() - started)
        finally:
            request_id_var.reset(token)
        return response

    def _respond(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request) and not _too_large(request):
            return self.get_response(request)
        # Refused before LocaleMiddleware runs: answer in the caller's language all the same.
        with translation.override(translation.get_language_from_request(request)):
            if _has_nul(request):
                return _problem(
                    400,
                    ErrorCode.NUL_CHARACTER,
                    _("The request contains a NUL character, which no field accepts."),
                )
            return _problem(413, ErrorCode.REQUEST_TOO_LARGE, _("The request body is too large."))


def _access_log(request: HttpRequest, status_code: int, seconds: float) -> None:
    if not access_logger.isEnabledFor(logging.INFO):
        return
    query = str(request.META.get("QUERY_STRING", ""))
    target = request.path + (f"?{redact(query)}" if query else "")
    access_logger.info(
        "%s %s %d %.1fms",
        request.method,
        redact(target),
        status_code,
        seconds * 1000,
        extra={"status_code": status_code},
    )
