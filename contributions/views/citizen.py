"""Citizen endpoints: summary, benefits, pension estimate (the history is in
``contributions.history``, the statement in ``views.statements``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination as DRFCursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.caching import ETagMixin
from api.pagination import CursorPagination
from api.permissions import IsCitizen
from api.replica import ReplicaReadsMixin
from contributions import selectors
from contributions.history import insuree_id_for_request
from contributions.serializers import (
    BenefitListQuerySerializer,
    BenefitOutputSerializer,
    ContributionSummaryOutputSerializer,
    InsureeQuerySerializer,
    PensionEstimateOutputSerializer,
    PensionQuerySerializer,
)


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> Any:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ContributionSummaryApi(ReplicaReadsMixin, ETagMixin):
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


class BenefitListApi(ReplicaReadsMixin, APIView):
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


class PensionEstimateApi(ReplicaReadsMixin, APIView):
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
            insuree=request.user.insuree,  # type: ignore[union-attr,arg-type]  # IsCitizen
            today=timezone.localdate(),
            retirement_date=query.get("retirement_date"),
            future_salary=query.get("future_salary"),
        )
        return Response(PensionEstimateOutputSerializer(estimate).data)
