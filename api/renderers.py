"""Renderers for bodies a view has already produced (images, documents, CSV): the view hands
over bytes or text and the renderer passes them through, declaring the media type for content
negotiation and the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer


class PassThroughRenderer(BaseRenderer):
    charset: str | None = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data


class PNGRenderer(PassThroughRenderer):
    media_type = "image/png"
    format = "png"


class SVGRenderer(PassThroughRenderer):
    media_type = "image/svg+xml"
    format = "svg"


class PDFRenderer(PassThroughRenderer):
    media_type = "application/pdf"
    format = "pdf"


class CSVRenderer(PassThroughRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    render_style = "text"
