"""Pagination: cursor for histories (stable while new rows arrive), page numbers elsewhere.

Both refuse unordered querysets: a page of an unordered query is not a page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.views import APIView


def _require_ordering(queryset: Any) -> None:
    if isinstance(queryset, QuerySet) and not queryset.ordered:
        raise ImproperlyConfigured(
            f"Refusing to paginate an unordered queryset of {queryset.model.__name__}."
        )


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        _require_ordering(queryset)
        return super().paginate_queryset(queryset, request, view)


class CursorPagination(pagination.CursorPagination):
    """Newest first by default; views set ``ordering`` to a unique, indexed key."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        _require_ordering(queryset)
        return super().paginate_queryset(queryset, request, view)
