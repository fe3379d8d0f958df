"""Pagination: cursor for histories (stable while new rows arrive), page numbers elsewhere.

One envelope for every list: ``{"next", "previous", "results"}``, plus ``count`` for page
numbers (where counting is cheap). ``page_size`` outside 1..``max_page_size`` is a 400
(``invalid``), never silently replaced. Both refuse unordered querysets: a page of an
unordered query is not a page.

A view that pages declares its paginator as ``pagination_class``: the schema generator reads
it to document the envelope and its query parameters (``api/schema.py``), and paginating for
a view that does not declare one is refused, so the schema cannot miss a list.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView


def _require_ordering(queryset: Any) -> None:
    if isinstance(queryset, QuerySet) and not queryset.ordered:
        raise ImproperlyConfigured(
            f"Refusing to paginate an unordered queryset of {queryset.model.__name__}."
        )


def _require_declared(view: APIView | None) -> None:
    if view is not None and getattr(view, "pagination_class", None) is None:
        raise ImproperlyConfigured(
            f"{type(view).__name__} pages its answer: declare pagination_class on it."
        )


class _PageSizeMixin:
    page_size: int
    max_page_size: int
    page_size_query_param: str | None

    def get_page_size(self, request: Request) -> int:
        name = self.page_size_query_param or "page_size"
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("Enter a whole number from 1 to {maximum}.").format(
                maximum=self.max_page_size
            )
            raise ValidationError({name: [message]}, code="invalid")
        return size

    def _page_size_parameter(self) -> dict[str, Any]:
        return {
            "name": self.page_size_query_param or "page_size",
            "required": False,
            "in": "query",
            "description": f"Results per page, 1 to {self.max_page_size} "
            f"(default {self.page_size}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
        }


def _link(description: str) -> dict[str, Any]:
    return {"type": "string", "format": "uri", "nullable": True, "description": description}


class PageNumberPagination(_PageSizeMixin, pagination.PageNumberPagination):
    page_size = 50
    max_page_size = 100

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        _require_declared(view)
        _require_ordering(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "next": _link("The next page, or null on the last one."),
                "previous": _link("The previous page, or null on the first one."),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            self._page_size_parameter(),
        ]


class CursorPagination(_PageSizeMixin, pagination.CursorPagination):
    """Newest first by default; views set ``ordering`` to a unique, indexed key."""

    page_size = 50
    max_page_size = 200
    ordering = "-created_at"

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        _require_declared(view)
        _require_ordering(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": _link("The next page, or null at the end."),
                "previous": _link("The previous page, or null at the start."),
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from `next` or `previous`; an unknown one is 404.",
                "schema": {"type": "string"},
            },
            self._page_size_parameter(),
        ]
