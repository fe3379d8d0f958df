"""The contribution history, ``GET /api/v1/contributions/``, in one place.

One source of truth for each part of its contract:

- the fields of a row, their types and order: ``ContributionOutputSerializer`` (the OpenAPI
  schema's ``ContributionOutput``); ``ROW_SOURCES`` says where each comes from, in the page
  query and in ORM ``values()``; ``contribution_row`` builds rows in the declared order;
- the query parameters and their error messages: ``ContributionListQuerySerializer``; the fast
  parser ``history_query_parse`` runs that serializer's own field objects, built once;
- the keyset cursor: ``MonthIdCursorPagination``; the page query: ``contribution_page``;
- the view: ``ContributionListApi``.

It is the API's busiest read, so its path avoids what costs more than the work: the ORM's query
compiler (a raw query with fixed fragments and parameters), a serializer per request, and DRF's
template-response rendering (orjson straight into an ``HttpResponse``). Authentication costs
no query either (``accounts.authentication``): a first page is one SQL statement.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accounts.selectors import access_insuree_for_viewer
from api.caching import ETagMixin
from api.fields import ascii_date_parse, ascii_digits
from api.pagination import CursorPagination
from api.permissions import IsCitizen
from api.replica import ReplicaReadsMixin, read_alias
from contributions.models import ContributionRecord, Employer, RecordStatus, Scheme
from contributions.months import month_parse
from contributions.renderers import ORJSONRenderer

MONTH_HELP = "YYYY-MM"
MONTH_PATTERN = r"^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
EMPLOYER_CODE_MAX = 20


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2024-07"})
class MonthField(serializers.CharField):
    """A ``YYYY-MM`` month: a query value is validated to the first day of that month."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_internal_value(self, data: Any) -> Any:
        parsed = month_parse(str(data))
        if parsed is None:
            self.fail("invalid")
        return parsed


# --- The row ---------------------------------------------------------------------------------


class EmployerRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# One month of one scheme, as the history lists it: declares the row's names, types and order.
# (A comment, not a docstring: a docstring would become the schema's description.)
class ContributionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    month = MonthField(help_text=MONTH_HELP)
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    employer = EmployerRefSerializer(allow_null=True, help_text="null when self-paid")
    salary_base = serializers.IntegerField()
    employee_amount = serializers.IntegerField()
    employer_amount = serializers.IntegerField()
    state_subsidy = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RecordStatus.choices)


# Where each declared field comes from: (SQL column of the page query, ORM ``values()`` name).
ROW_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "id": (("r.id", "id"),),
    "month": (("r.month", "month"),),
    "scheme": (("r.scheme", "scheme"),),
    "employer": (("e.code", "employer__code"), ("e.name", "employer__name")),
    "salary_base": (("r.salary_base", "salary_base"),),
    "employee_amount": (("r.employee_amount", "employee_amount"),),
    "employer_amount": (("r.employer_amount", "employer_amount"),),
    "state_subsidy": (("r.state_subsidy", "state_subsidy"),),
    "status": (("r.status", "status"),),
}
ROW_FIELDS = tuple(ContributionOutputSerializer._declared_fields)
if tuple(ROW_SOURCES) != ROW_FIELDS:  # pragma: no cover - a broken edit fails at import
    raise ImproperlyConfigured("ROW_SOURCES must list ContributionOutputSerializer's fields.")
HISTORY_COLUMNS = tuple(column for field in ROW_FIELDS for column, _orm in ROW_SOURCES[field])
CONTRIBUTION_ROW_FIELDS = tuple(orm for field in ROW_FIELDS for _column, orm in ROW_SOURCES[field])


def contribution_row(row: tuple[Any, ...]) -> dict[str, Any]:
    """A tuple of ``HISTORY_COLUMNS`` as the API shows it. The month comes as a date
    (PostgreSQL) or as ISO text (SQLite through a raw cursor)."""
    row_id, month, scheme, code, name, *rest = row
    return dict(
        zip(
            ROW_FIELDS,
            (
                row_id,
                (month if isinstance(month, str) else month.isoformat())[:7],
                scheme,
                None if code is None else {"code": code, "name": name},
                *rest,
            ),
            strict=True,
        )
    )


# --- The query -------------------------------------------------------------------------------


class InsureeQuerySerializer(serializers.Serializer):
    insuree = serializers.UUIDField(
        required=False, help_text="public id of a minor child in the household; default: self"
    )


class ContributionListQuerySerializer(InsureeQuerySerializer):
    scheme = serializers.ChoiceField(choices=Scheme.choices, required=False)
    from_ = MonthField(required=False, help_text=MONTH_HELP)
    to = MonthField(required=False, help_text=MONTH_HELP)
    employer = serializers.CharField(
        required=False, max_length=EMPLOYER_CODE_MAX, help_text="employer code"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


_QUERY_FIELDS = ContributionListQuerySerializer().fields  # built once, reused per request


def history_query_parse(params: Any) -> dict[str, Any]:
    """The history's query, validated by ``ContributionListQuerySerializer``'s own fields
    (same messages, same values) without building a serializer per request. Empty values
    mean no filter."""
    query: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name, field in _QUERY_FIELDS.items():
        raw = params.get(name)
        if not raw:
            continue
        try:
            query[name] = field.run_validation(raw)
        except serializers.ValidationError as error:
            errors[name] = error.detail
    if errors:
        raise serializers.ValidationError(errors)
    return query


# --- The page --------------------------------------------------------------------------------


def contribution_page(
    *,
    insuree_id: int,
    limit: int,
    scheme: str | None = None,
    month_from: date | None = None,
    month_to: date | None = None,
    employer_code: str | None = None,
    position: tuple[date, int] | None = None,
    backwards: bool = False,
) -> list[tuple[Any, ...]]:
    """One page of an insuree's history as tuples in ``HISTORY_COLUMNS`` order, newest first
    on the unique key (month, id), after ``position`` (before it when ``backwards``, then
    oldest first). Always filtered by the insuree (the partition and distribution key).

    One hand-written query: compiling the ORM query costs about three times the query
    itself. Only fixed fragments and table names are put into the text; every value is a
    parameter.
    """
    connection = connections[read_alias(ContributionRecord)]  # the replica when routed there
    adapt = connection.ops.adapt_datefield_value
    where: list[str] = ["r.insuree_id = %s"]
    params: list[Any] = [insuree_id]
    for condition, value in (
        ("r.scheme = %s", scheme),
        ("r.month >= %s", adapt(month_from) if month_from else None),
        ("r.month <= %s", adapt(month_to) if month_to else None),
        ("e.code = %s", employer_code),
    ):
        if value:
            where.append(condition)
            params.append(value)
    if position is not None:
        op = ">" if backwards else "<"
        where.append(f"(r.month {op} %s OR (r.month = %s AND r.id {op} %s))")
        params.extend([adapt(position[0]), adapt(position[0]), position[1]])
    order = "ASC" if backwards else "DESC"
    sql = (
        f"SELECT {', '.join(HISTORY_COLUMNS)} "  # noqa: S608 - fixed fragments only
        f"FROM {ContributionRecord._meta.db_table} r "
        f"LEFT JOIN {Employer._meta.db_table} e ON e.id = r.employer_id "
        f"WHERE {' AND '.join(where)} ORDER BY r.month {order}, r.id {order} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return cursor.fetchall()


# --- The cursor ------------------------------------------------------------------------------

# fetch(position, backwards, limit) -> rows whose [0] is the id and [1] the month
Fetch = Callable[[tuple[date, int] | None, bool, int], list[tuple[Any, ...]]]


def _iso(month: Any) -> str:
    return month if isinstance(month, str) else month.isoformat()


class MonthIdCursorPagination(CursorPagination):
    """Newest first on (-month, -id), a unique key, so the pages a client walks stay the same
    while new months are imported. The cursor is ``base64("<d|p>:<yyyy-mm-dd>:<id>")``: ``d``
    continues downwards (next page), ``p`` goes back upwards (previous page). Rows come from
    a ``fetch`` function (a raw query), not from a queryset."""

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


# --- The view --------------------------------------------------------------------------------

CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="from `next` or `previous`"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200, default 50"),
]


def insuree_for_request(request: Request, query: dict[str, Any]) -> Any:
    """The insuree the request is about: the citizen, or one of their minor children."""
    return access_insuree_for_viewer(
        viewer=request.user.insuree,  # type: ignore[union-attr,arg-type]  # IsCitizen: set
        public_id=query.get("insuree"),
    )


def insuree_id_for_request(request: Request, query: dict[str, Any]) -> int:
    """Like ``insuree_for_request``, for views that need only the id: the citizen's own id
    comes with the token's claims, so the common case costs no query."""
    if query.get("insuree") is None:
        return int(request.user.insuree_id)  # type: ignore[union-attr,arg-type]  # IsCitizen
    return int(insuree_for_request(request, query).pk)


class ContributionListApi(ReplicaReadsMixin, ETagMixin):
    permission_classes = [IsCitizen]
    renderer_classes = [ORJSONRenderer]
    pagination_class = MonthIdCursorPagination  # read by the schema generator

    @extend_schema(
        operation_id="contributions_list",
        parameters=[ContributionListQuerySerializer, *CURSOR_PARAMETERS],
        responses={200: ContributionOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> HttpResponse:
        query = history_query_parse(request.query_params)
        insuree_id = insuree_id_for_request(request, query)
        paginator = self.pagination_class()
        page = paginator.paginate_rows(
            lambda position, backwards, limit: contribution_page(
                insuree_id=insuree_id,
                limit=limit,
                scheme=query.get("scheme"),
                month_from=query.get("from"),
                month_to=query.get("to"),
                employer_code=query.get("employer"),
                position=position,
                backwards=backwards,
            ),
            request,
        )
        # Rendered here rather than through DRF's Response: the same bytes and headers as the
        # only renderer (ORJSONRenderer, negotiated in ``initial``) gives, without the
        # template-response machinery on the hot path.
        body = paginator.get_paginated_body([contribution_row(row) for row in page])
        return HttpResponse(orjson.dumps(body), content_type=ORJSONRenderer.media_type)
