"""Problem details for what Django answers before a view runs.

An unknown path under ``/api/`` or ``/.well-known/`` is Django's own 404 (an HTML page, the
technical one when DEBUG is on) and a plain Django view refusing a method answers an empty 405.
This middleware turns both into ``application/problem+json``, with DEBUG on or off, keeping
the ``Allow`` header of a 405. Answers that are already problem details pass untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from api.error_codes import ErrorCode
from api.exceptions import PROBLEM_CONTENT_TYPE, problem_json_response

PREFIXES = ("/api/", "/.well-known/")


class ProblemFallbackMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code not in (404, 405) or not request.path.startswith(PREFIXES):
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        if response.status_code == 404:
            return problem_json_response(404, ErrorCode.NOT_FOUND, _("Not found."))
        problem = problem_json_response(
            405,
            ErrorCode.METHOD_NOT_ALLOWED,
            _('Method "{method}" not allowed.').format(method=request.method),
        )
        if response.has_header("Allow"):
            problem["Allow"] = response["Allow"]
        return problem
