"""GET /api/v1/contributions/statement?format=pdf|csv: a downloadable statement."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from api.permissions import IsCitizen
from api.renderers import CSVRenderer, PDFRenderer
from contributions import selectors
from contributions.months import month_format
from contributions.serializers import StatementQuerySerializer
from contributions.statements import StatementHeader, statement_csv, statement_pdf
from contributions.views.citizen import insuree_for_request


class ContributionStatementApi(APIView):
    # ``format`` is also DRF's renderer override, so both formats have a renderer here;
    # the body itself is built by ``statements`` and returned as it is.

    permission_classes = [IsCitizen]
    renderer_classes = [PDFRenderer, CSVRenderer, JSONRenderer]

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        """An unknown ``format`` is a 400 from the query serializer, not DRF's 404."""
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        operation_id="contributions_statement",
        description="The records of a period as CSV (UTF-8 with BOM) or PDF (a page per year).",
        parameters=[
            StatementQuerySerializer,
            OpenApiParameter(
                "Content-Disposition",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200],
                required=True,
                description='`attachment; filename="statement-<number>[-<from>][-<to>].<pdf|csv>"`',
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "one page per year"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, "UTF-8 with BOM"),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        insuree = insuree_for_request(request, params)
        rows = selectors.contribution_statement_rows(
            insuree_id=insuree.pk, month_from=params.get("from"), month_to=params.get("to")
        )
        header = StatementHeader(
            full_name=insuree.full_name,
            social_insurance_number=insuree.social_insurance_number,
            date_of_birth=insuree.date_of_birth,
            month_from=params.get("from"),
            month_to=params.get("to"),
            issued_on=timezone.localdate(),
        )
        kind = _statement_kind(request, params)
        body = statement_pdf(header, rows) if kind == "pdf" else statement_csv(header, rows)
        content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        name = _file_name(header, kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _statement_kind(request: Request, params: dict[str, Any]) -> str:
    """``?format=`` first, then the negotiated ``Accept`` (``text/csv``, ``application/pdf``)."""
    if params.get("format"):
        return str(params["format"])
    negotiated = getattr(request.accepted_renderer, "format", None)
    return "csv" if negotiated == "csv" else "pdf"


def _file_name(header: StatementHeader, kind: str) -> str:
    parts = ["statement", header.social_insurance_number]
    if header.month_from:
        parts.append(month_format(header.month_from))
    if header.month_to:
        parts.append(month_format(header.month_to))
    return "-".join(parts) + f".{kind}"
