"""Citizen endpoints: history, summary, statement, benefits, pension estimate."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination as DRFCursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import access_insuree_for_viewer
from api.caching import ETagMixin
from api.pagination import CursorPagination
from api.permissions import IsCitizen
from contributions import selectors
from contributions.pagination import MonthIdCursorPagination
from contributions.renderers import ORJSONRenderer
from contributions.serializers import (
    BenefitListQuerySerializer,
    BenefitOutputSerializer,
    ContributionListQuerySerializer,
    ContributionOutputSerializer,
    ContributionSummaryOutputSerializer,
    InsureeQuerySerializer,
    PensionEstimateOutputSerializer,
    PensionQuerySerializer,
    contribution_row,
    history_query_parse,
)


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> Any:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def insuree_id_for_request(request: Request, query: dict[str, Any]) -> int:
    """Like ``insuree_for_request``, for views that need only the id: the citizen's own id
    comes with the user row, so the common case costs no query."""
    if query.get("insuree") is None:
        return int(request.user.insuree_id)  # type: ignore[union-attr,arg-type]  # IsCitizen
    return int(insuree_for_request(request, query).pk)


def insuree_for_request(request: Request, query: dict[str, Any]) -> Any:
    """The insuree the request is about: the citizen, or one of their minor children."""
    return access_insuree_for_viewer(
        viewer=request.user.insuree,  # type: ignore[union-attr,arg-type]  # IsCitizen: set
        public_id=query.get("insuree"),
    )


class ContributionListApi(ETagMixin):
    permission_classes = [IsCitizen]
    renderer_classes = [ORJSONRenderer]
    pagination_class = MonthIdCursorPagination  # read by the schema generator

    @extend_schema(
        operation_id="contributions_list",
        parameters=[ContributionListQuerySerializer],
        responses={200: ContributionOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> HttpResponse:
        query = history_query_parse(request.query_params)
        insuree_id = insuree_id_for_request(request, query)
        paginator = self.pagination_class()
        page = paginator.paginate_rows(
            lambda position, backwards, limit: selectors.contribution_page(
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


class ContributionSummaryApi(ETagMixin):
    permission_classes = [IsCitizen]

    @extend_schema(
        operation_id="contributions_summary",
        parameters=[InsureeQuerySerializer],
        responses={200: ContributionSummaryOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _validated(InsureeQuerySerializer, request)
        summary = selectors.contribution_summary(insuree_id=insuree_id_for_request(request, query))
        return Response(ContributionSummaryOutputSerializer(summary).data)


class BenefitCursorPagination(CursorPagination):
    ordering = ("-paid_on", "-id")  # type: ignore[assignment]  # DRF takes a tuple; stubs: str


class BenefitListApi(APIView):
    permission_classes = [IsCitizen]
    pagination_class = BenefitCursorPagination

    @extend_schema(
        operation_id="benefits_list",
        parameters=[BenefitListQuerySerializer],
        responses={200: BenefitOutputSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(BenefitListQuerySerializer, request)
        payments = selectors.benefit_list(
            insuree_id=insuree_id_for_request(request, query), kind=query.get("kind")
        )
        paginator: DRFCursorPagination = self.pagination_class()
        page = paginator.paginate_queryset(payments, request, view=self) or []
        return paginator.get_paginated_response(BenefitOutputSerializer(page, many=True).data)


class PensionEstimateApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        operation_id="pension_estimate",
        description=(
            "An estimate under the 2024 Social Insurance Law (rule set in `rule_set`), "
            "not a pension decision."
        ),
        parameters=[PensionQuerySerializer],
        responses={200: PensionEstimateOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        query = _validated(PensionQuerySerializer, request)
        estimate = selectors.pension_estimate_for(
            insuree=request.user.insuree,  # type: ignore[union-attr]
            today=timezone.localdate(),
            retirement_date=query.get("retirement_date"),
            future_salary=query.get("future_salary"),
        )
        return Response(PensionEstimateOutputSerializer(estimate).data)
