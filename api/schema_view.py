"""The served schema (``/api/schema/``); how it is generated is ``api/schema.py``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView


class SchemaApi(SpectacularAPIView):
    """The schema, in English for everyone: the same bytes whatever ``Accept-Language``
    (enum and field descriptions come from translatable labels)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if render is not None:
                render()
        response["Content-Language"] = "en"
        return response
