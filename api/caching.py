"""Caching headers of the API.

- ``PrivateNoStoreMiddleware``: an answer under ``/api/v1/`` that says nothing about caching is
  personal (tokens, profiles, histories, errors), so it gets ``Cache-Control: private,
  no-store``: no shared cache keeps it and no browser stores it.
- ``ETagMixin``: views whose answers are worth revalidating (history pages, the summary, the
  card list) send a strong ``ETag`` of the body with ``Cache-Control: private, no-cache`` and
  answer a matching ``If-None-Match`` with 304 and no body. The body is already computed, so
  the saving is bandwidth and the client's parsing, which is what a phone on a slow network
  pays for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from rest_framework.request import Request
from rest_framework.views import APIView

API_PREFIX = "/api/v1/"
PERSONAL = "private, no-store"
REVALIDATE = "private, no-cache"


class PrivateNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PERSONAL
        return response


def body_etag(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest()[:32])


class ETagMixin(APIView):
    """For an APIView: a GET answered 200 carries an ETag; a matching If-None-Match is 304."""

    # DRF passes any HttpResponseBase through (the history renders its own HttpResponse);
    # the stubs say Response.
    def finalize_response(  # type: ignore[override]
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if not isinstance(response, HttpResponse):
            return response
        render = getattr(response, "render", None)
        if render is not None and not getattr(response, "is_rendered", True):
            render()
        etag = body_etag(response.content)
        response["ETag"] = etag
        response["Cache-Control"] = REVALIDATE
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is None:
            return response
        if conditional is not response:
            conditional["Cache-Control"] = REVALIDATE
            patch_vary_headers(conditional, ("Authorization", "Accept-Language"))
        return conditional
