"""Keyset cursor for contribution histories: the position is the last row's (month, id), a
unique key, so the pages a client walks stay the same while new months are imported."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from api.fields import ascii_date_parse, ascii_digits
from api.pagination import CursorPagination

# fetch(position, backwards, limit) -> rows whose [0] is the id and [1] the month
Fetch = Callable[[tuple[date, int] | None, bool, int], list[tuple[Any, ...]]]


def _iso(month: Any) -> str:
    return month if isinstance(month, str) else month.isoformat()


class MonthIdCursorPagination(CursorPagination):
    """Newest first on (-month, -id). The cursor is ``base64("<d|p>:<yyyy-mm-dd>:<id>")``:
    ``d`` continues downwards (next page), ``p`` goes back upwards (previous page).
    Rows come from a ``fetch`` function (a raw query), not from a queryset."""

    ordering = "-month"  # informative: the keyset orders on (-month, -id)
    page_size = 50
    max_page_size = 200

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        raise TypeError("MonthIdCursorPagination pages rows: call paginate_rows(fetch, request).")

    def paginate_rows(self, fetch: Fetch, request: Request) -> list[tuple[Any, ...]]:
        self._url = request.build_absolute_uri()
        size = self.get_page_size(request) or self.page_size
        position = self._decode(request.query_params.get(self.cursor_query_param))
        if position is None:
            rows = fetch(None, False, size + 1)
            self._more_after, self._more_before = len(rows) > size, False
        elif position[0] == "d":
            rows = fetch(position[1:], False, size + 1)
            self._more_after, self._more_before = len(rows) > size, True
        else:
            rows = fetch(position[1:], True, size + 1)
            self._more_before, self._more_after = len(rows) > size, True
            rows = list(reversed(rows[:size]))
        self.page = rows[:size]
        return self.page

    def _decode(self, raw: str | None) -> tuple[str, date, int] | None:
        if not raw:
            return None
        try:
            text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii")
            direction, day, row_id = text.split(":")
            if direction not in {"d", "p"} or not ascii_digits(row_id) or len(row_id) > 18:
                raise ValueError(direction)  # ids are bigints: above 2^63 no row exists
            month = ascii_date_parse(day)
            if month is None:
                raise ValueError(day)
            return direction, month, int(row_id)
        except (ValueError, UnicodeError) as error:
            raise NotFound(self.invalid_cursor_message) from error

    def _link(self, direction: str, row: tuple[Any, ...]) -> str:
        token = f"{direction}:{_iso(row[1])}:{row[0]}"
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

    def get_paginated_body(self, data: Any) -> dict[str, Any]:
        return {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}

    def get_paginated_response(self, data: Any) -> Response:
        return Response(self.get_paginated_body(data))
