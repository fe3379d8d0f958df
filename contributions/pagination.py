"""Keyset cursor for contribution histories: the position is the last row's (month, id), a
unique key, so the pages a client walks stay the same while new months are imported."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from api.pagination import CursorPagination


class MonthIdCursorPagination(CursorPagination):
    """Newest first on (-month, -id). The cursor is ``base64("<d|p>:<yyyy-mm-dd>:<id>")``:
    ``d`` continues downwards (next page), ``p`` goes back upwards (previous page)."""

    ordering = "-month"  # informative: the keyset below orders on (-month, -id)
    page_size = 50
    max_page_size = 200
    invalid_cursor_message = "Invalid cursor"

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        self.request = request
        self.base_url = self._url = request.build_absolute_uri()
        size = self.get_page_size(request) or self.page_size
        self.page_size = size
        position = self._decode(request.query_params.get(self.cursor_query_param))
        rows: list[dict[str, Any]]
        if position is None:
            rows = list(queryset[: size + 1])
            self._more_after, self._more_before = len(rows) > size, False
            rows = rows[:size]
        else:
            direction, month, row_id = position
            rows = self._page_from(queryset, direction, month, row_id, size)
        self.page = rows
        return rows

    def _page_from(
        self, queryset: QuerySet[Any, Any], direction: str, month: date, row_id: int, size: int
    ) -> list[dict[str, Any]]:
        if direction == "d":
            after = queryset.filter(Q(month__lt=month) | Q(month=month, id__lt=row_id))
            rows = list(after[: size + 1])
            self._more_after, self._more_before = len(rows) > size, True
            return rows[:size]
        before = queryset.filter(Q(month__gt=month) | Q(month=month, id__gt=row_id))
        rows = list(before.order_by("month", "id")[: size + 1])
        self._more_before, self._more_after = len(rows) > size, True
        return list(reversed(rows[:size]))

    def _decode(self, raw: str | None) -> tuple[str, date, int] | None:
        if not raw:
            return None
        try:
            text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii")
            direction, day, row_id = text.split(":")
            if direction not in {"d", "p"}:
                raise ValueError(direction)
            return direction, date.fromisoformat(day), int(row_id)
        except (ValueError, UnicodeError) as error:
            raise NotFound(self.invalid_cursor_message) from error

    def _link(self, direction: str, row: dict[str, Any]) -> str:
        token = f"{direction}:{row['month'].isoformat()}:{row['id']}"
        encoded = base64.urlsafe_b64encode(token.encode("ascii")).decode("ascii")
        return replace_query_param(self._url, self.cursor_query_param, encoded)

    def get_next_link(self) -> str | None:
        if not self._more_after or not self.page:
            return None
        return self._link("d", self.page[-1])

    def get_previous_link(self) -> str | None:
        if not self._more_before:
            return None
        if not self.page:
            return remove_query_param(self._url, self.cursor_query_param)
        return self._link("p", self.page[0])

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )


__all__ = ["MonthIdCursorPagination"]
