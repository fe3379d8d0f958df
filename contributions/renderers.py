"""Renderers of the contributions API: orjson for the history's hot path (the statement's
PDF and CSV use ``api.renderers``)."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer


class ORJSONRenderer(JSONRenderer):
    """``application/json`` through orjson, for bodies made of plain dicts, lists, strings,
    integers and None (the history rows). Same media type as DRF's renderer."""

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data)
