"""The JSON parser: bounded nesting, no NUL characters, a clear 413 over the body limit.

Python's ``json`` recurses per nesting level (1,000 levels raise ``RecursionError``); no
request of ours nests past a handful of levels, so anything past ``MAX_JSON_DEPTH`` is a
400. A NUL character has no business in any field and PostgreSQL refuses it in text, so it
is a 400 here rather than a database error later.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status

from api.error_codes import ErrorCode

MAX_JSON_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = ErrorCode.REQUEST_TOO_LARGE


class NestingTooDeep(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The JSON document is nested too deeply.")
    default_code = ErrorCode.NESTING_TOO_DEEP


class NulCharacter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request contains a NUL character, which no field accepts.")
    default_code = ErrorCode.NUL_CHARACTER


def json_check(document: Any, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise NestingTooDeep or NulCharacter; iterative, so any depth is safe to walk."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise NulCharacter
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise NestingTooDeep
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    raise NulCharacter
                stack.append((item, depth + 1))


def body_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = body_limit()
        if limit and stream is not None:
            meta = getattr(stream, "META", {})
            length = meta.get("CONTENT_LENGTH") or "0"
            if length.isascii() and length.isdigit() and int(length) > limit:
                raise RequestTooLarge
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise NestingTooDeep from error
        except RequestDataTooBig as error:
            raise RequestTooLarge from error
        json_check(document)
        return document
