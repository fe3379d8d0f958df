"""Every error the API answers is an RFC 9457 problem document.

Shape: ``{"type", "title", "status", "detail", "code", "errors"}`` served as
``application/problem+json``. ``code`` is a stable machine string (see each app's
``error_codes.py``); ``errors`` lists field errors as ``{"field", "code", "detail"}``.
Unexpected exceptions are logged with their traceback and answered with a generic 500:
the client never sees exception text.
"""

from __future__ import annotations

import logging
import math
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from api.error_codes import ErrorCode

logger = logging.getLogger("api.errors")

PROBLEM_CONTENT_TYPE = "application/problem+json"

# DRF exception class -> our stable code, where DRF's own default code is not already ours.
_CODE_BY_EXCEPTION: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: ErrorCode.INVALID,
    exceptions.ParseError: ErrorCode.PARSE_ERROR,
    exceptions.UnsupportedMediaType: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    exceptions.NotAuthenticated: ErrorCode.NOT_AUTHENTICATED,
    exceptions.AuthenticationFailed: ErrorCode.AUTHENTICATION_FAILED,
    exceptions.PermissionDenied: ErrorCode.PERMISSION_DENIED,
    exceptions.NotFound: ErrorCode.NOT_FOUND,
    exceptions.MethodNotAllowed: ErrorCode.METHOD_NOT_ALLOWED,
    exceptions.NotAcceptable: ErrorCode.NOT_ACCEPTABLE,
    exceptions.Throttled: ErrorCode.THROTTLED,
}


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_CONTENT_TYPE
    format = "problem+json"


class ApplicationError(exceptions.APIException):
    """A business rule refused the request. Raised by services; never a 500.

    ``code`` is a stable snake_case string from an app's ``error_codes.py``.
    """

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        *,
        code: str,
        detail: str,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        errors: list[dict[str, str]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=detail, code=code)
        self.code = code
        self.status_code = status_code
        self.errors = errors or []
        self.extra = extra or {}
        self.headers = headers or {}


# Titles of the problem types, translated; others fall back to the HTTP reason phrase.
_TITLES = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    406: _("Not Acceptable"),
    409: _("Conflict"),
    410: _("Gone"),
    413: _("Request Entity Too Large"),
    415: _("Unsupported Media Type"),
    422: _("Unprocessable Entity"),
    423: _("Locked"),
    429: _("Too Many Requests"),
    500: _("Internal Server Error"),
    503: _("Service Unavailable"),
}


def problem_body(
    *,
    status_code: int,
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:vss:error:{code}",
        "title": str(_TITLES.get(status_code, HTTPStatus(status_code).phrase)),
        "status": status_code,
        "detail": str(detail),
        "code": str(code),
        "errors": errors or [],
    }
    if extra:
        body.update(extra)
    return body


# Field error codes are DRF's (``required``, ``null``, ``blank``, ``max_length``,
# ``min_value``, ...), except that every "not an acceptable value" is ``invalid``: an unknown
# choice is the same mistake as a malformed value, whichever endpoint or field it is.
_FIELD_CODE_ALIASES = {"invalid_choice": ErrorCode.INVALID}


def flatten_field_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested ``{field: [ErrorDetail]}`` into a flat, ordered list."""
    if isinstance(detail, dict):
        items: list[dict[str, str]] = []
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            items.extend(flatten_field_errors(value, name))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(flatten_field_errors(value, f"{prefix}.{index}" if prefix else ""))
            else:
                items.extend(flatten_field_errors(value, prefix))
        return items
    field = prefix or api_settings.NON_FIELD_ERRORS_KEY
    code = str(getattr(detail, "code", None) or ErrorCode.INVALID)
    code = _FIELD_CODE_ALIASES.get(code, code)
    return [{"field": field, "code": str(code), "detail": str(detail)}]


def _code_for(exc: exceptions.APIException) -> str:
    if isinstance(exc, ApplicationError):
        return exc.code
    for klass in type(exc).__mro__:
        if klass in _CODE_BY_EXCEPTION:
            return _CODE_BY_EXCEPTION[klass]
    default = getattr(exc, "default_code", None)
    return str(default) if default else ErrorCode.INVALID


def _token_code(exc: exceptions.APIException) -> str | None:
    """simplejwt's InvalidToken carries ``token_not_valid``; keep it visible to clients."""
    detail = exc.detail
    if isinstance(detail, dict):
        code = detail.get("code")
        if code is not None:
            return str(code)
    return None


def _detail_text(detail: Any) -> str:
    if isinstance(detail, dict):
        return str(detail.get("detail", _("The request could not be processed.")))
    if isinstance(detail, list):
        return "; ".join(str(item) for item in detail)
    return str(detail)


def _throttled_detail(wait: float | None) -> str:
    """DRF appends "Expected available in N seconds." in English; ours is translated."""
    if wait is None:
        return str(_("Too many requests. Please try again later."))
    seconds = math.ceil(wait)
    return str(_("Too many requests. Please try again in %(seconds)d s.")) % {"seconds": seconds}


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, RequestDataTooBig):
        from api.parsers import RequestTooLarge  # api.parsers imports this module

        return RequestTooLarge()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every error becomes problem+json, nothing escapes as HTML."""
    exc = _as_api_exception(exc)
    request = context.get("request")
    if request is not None:
        # Errors are always JSON, whatever the endpoint renders on success (PDF, PNG, CSV).
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE

    if not isinstance(exc, exceptions.APIException):
        set_rollback()
        logger.exception("Unhandled error", exc_info=exc)
        body = problem_body(
            status_code=500,
            code=ErrorCode.SERVER_ERROR,
            detail=str(_("Something went wrong on our side. Please try again later.")),
        )
        return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)

    base = drf_exception_handler(exc, context)
    headers = dict(base.items()) if base is not None else {}
    headers.pop("Content-Type", None)
    if isinstance(exc, ApplicationError):
        headers.update(exc.headers)
        set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            status_code=exc.status_code,
            code=ErrorCode.INVALID,
            detail=str(_("The request has invalid fields.")),
            errors=flatten_field_errors(exc.detail),
        )
    else:
        code = _token_code(exc) or _code_for(exc)
        detail = _detail_text(exc.detail)
        if isinstance(exc, exceptions.Throttled):
            detail = _throttled_detail(getattr(exc, "wait", None))
        extra: dict[str, Any] = {}
        errors: list[dict[str, str]] = []
        if isinstance(exc, ApplicationError):
            extra, errors = exc.extra, exc.errors
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            extra["retry_after"] = math.ceil(wait)
        body = problem_body(
            status_code=exc.status_code, code=code, detail=str(detail), errors=errors, extra=extra
        )
    return Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_json_response(status_code: int, code: str, detail: str) -> HttpResponse:
    return JsonResponse(
        problem_body(status_code=status_code, code=code, detail=detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_json_response(400, ErrorCode.INVALID, str(_("Bad request.")))


def permission_denied_view(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return problem_json_response(403, ErrorCode.PERMISSION_DENIED, str(_("Forbidden.")))


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return problem_json_response(404, ErrorCode.NOT_FOUND, str(_("Not found.")))


def server_error_view(request: HttpRequest) -> HttpResponse:
    return problem_json_response(
        500,
        ErrorCode.SERVER_ERROR,
        str(_("Something went wrong on our side. Please try again later.")),
    )
