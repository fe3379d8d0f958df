"""Statements: download one (PDF or CSV, each a verifiable record), list and revoke them, and
the public check of a verification code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination as DRFCursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.client_ip import client_ip_or_none
from api.exceptions import ApplicationError
from api.pagination import CursorPagination
from api.permissions import IsCitizen
from api.renderers import CSVRenderer, PDFRenderer
from api.schema import problem
from api.throttles import IPScopedRateThrottle
from contributions import selectors, services
from contributions.error_codes import ContributionErrorCode
from contributions.history import insuree_for_request
from contributions.months import month_format
from contributions.serializers import (
    InsureeQuerySerializer,
    StatementOutputSerializer,
    StatementQuerySerializer,
    StatementVerifyOutputSerializer,
    statement_period,
)
from contributions.statements.codes import code_display, code_normalise
from contributions.statements.csv_file import statement_csv
from contributions.statements.labels import LANGUAGES
from contributions.statements.pdf import statement_pdf


def _language(request: Request, asked: str | None) -> str:
    if asked:
        return asked
    active = (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "vi")[:2]
    return active if active in LANGUAGES else settings.LANGUAGE_CODE[:2]


def _base_url(request: Request) -> str:
    return settings.STATEMENT_PUBLIC_BASE_URL or request.build_absolute_uri("/")


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
        description=(
            "The records of a period as a verifiable statement, PDF (official layout, a signed "
            "QR and the verification code on every page) or CSV (UTF-8 with BOM), in Vietnamese "
            "or English (`lang`, else `Accept-Language`). Each download is a new statement with "
            "its own verification code (response header `X-Statement-Code`), listed by "
            "`GET contributions/statements`."
        ),
        parameters=[
            StatementQuerySerializer,
            OpenApiParameter(
                "X-Statement-Code",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200],
                description="the verification code printed on the statement",
            ),
            OpenApiParameter(
                "X-Statement-Id",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                response=[200],
                description="the statement's id, to revoke it",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, "the statement"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, "UTF-8 with BOM"),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        insuree = insuree_for_request(request, params)
        # ``?format=`` wins; without it the negotiated renderer (``Accept``) chooses; else PDF
        accepted = getattr(request, "accepted_renderer", None)
        kind = params.get("format") or (
            "csv" if getattr(accepted, "media_type", "") == CSVRenderer.media_type else "pdf"
        )
        language = _language(request, params.get("lang"))
        issued = services.statement_issue(
            insuree=insuree,
            issued_by=request.user,
            month_from=params.get("from"),
            month_to=params.get("to"),
            file_format=kind,
            language=language,
            base_url=_base_url(request),
        )
        with translation.override(language):
            render = statement_pdf if kind == "pdf" else statement_csv
            body = render(issued.content, issued.verification)
        content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        name = _file_name(issued, kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Content-Language"] = language
        response["X-Statement-Code"] = issued.verification.code
        response["X-Statement-Id"] = str(issued.statement.pk)
        return response


def _file_name(issued: services.IssuedStatement, kind: str) -> str:
    parts = ["statement", issued.content.holder.social_insurance_number]
    statement = issued.statement
    if statement.month_from and statement.month_to:
        parts += [month_format(statement.month_from), month_format(statement.month_to)]
    parts.append(issued.verification.code)
    return "-".join(parts) + f".{kind}"


class StatementCursorPagination(CursorPagination):
    ordering = ("-issued_at", "-id")  # type: ignore[assignment]  # DRF takes a tuple; stubs: str


class StatementListApi(APIView):
    permission_classes = [IsCitizen]
    pagination_class = StatementCursorPagination

    @extend_schema(
        operation_id="contributions_statements_list",
        description="The statements issued for the citizen (or `insuree`, a minor child).",
        parameters=[InsureeQuerySerializer],
        responses={200: StatementOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = InsureeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        insuree = insuree_for_request(request, query.validated_data)
        statements = selectors.statement_list(insuree_id=insuree.pk)
        paginator: DRFCursorPagination = self.pagination_class()
        page = paginator.paginate_queryset(statements, request, view=self) or []
        context = {"now": timezone.now()}
        data = StatementOutputSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)


class StatementRevokeApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        operation_id="contributions_statements_revoke",
        description=(
            "Revoke a statement: from now on its code verifies as `revoked`. Revoking it "
            "again changes nothing. Someone else's statement is 404."
        ),
        request=None,
        responses={200: StatementOutputSerializer},
    )
    def post(self, request: Request, statement_id: str) -> Response:
        statement = selectors.access_statement_by_id(
            viewer=request.user.insuree,  # type: ignore[union-attr]  # IsCitizen: set
            statement_id=statement_id,
        )
        revoked = services.statement_revoke(
            statement=statement, acting_user=request.user, ip=client_ip_or_none(request)
        )
        context = {"now": timezone.now()}
        return Response(StatementOutputSerializer(revoked, context=context).data)


class StatementVerifyApi(APIView):
    """Public: anyone holding a statement checks its code. Throttled per client IP."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [IPScopedRateThrottle]
    throttle_scope = "statement_verify"

    @extend_schema(
        operation_id="statements_verify",
        auth=[],
        description=(
            "Whether a statement with this verification code was issued and is still valid, "
            "with the holder's masked name, the period, the totals and when it was issued; "
            "nothing more. Case, spaces and hyphens in the code are ignored."
        ),
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            200: StatementVerifyOutputSerializer,
            400: problem("`statement_code_invalid`: the text cannot be a verification code."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        normalised = code_normalise(code)
        if normalised is None:
            raise ApplicationError(
                code=ContributionErrorCode.STATEMENT_CODE_INVALID,
                detail=translation.gettext(
                    "A verification code has 12 letters and digits, as printed on the statement."
                ),
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        statement = selectors.statement_get_by_code(code=normalised)
        body: dict[str, Any] = {"code": code_display(normalised)}
        if statement is None:  # the code, the answer, and nothing else
            return Response({**body, "result": "unknown", "genuine": False})
        body.update(
            result=statement.state_at(timezone.now()),
            genuine=True,
            holder={"masked_name": statement.masked_name},
            period=statement_period(statement),
            totals=statement.totals,
            issued_at=statement.issued_at,
            expires_at=statement.expires_at,
            revoked_at=statement.revoked_at,
        )
        return Response(StatementVerifyOutputSerializer(body).data)
