"""Health-card endpoints: one thin view per operation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.caching import ETagMixin
from api.client_ip import client_ip_or_none
from api.exceptions import ApplicationError
from api.pagination import CursorPagination, PageNumberPagination
from api.permissions import IsCitizen, IsClinicOperator, IsSupportStaff
from api.renderers import PNGRenderer, SVGRenderer
from api.replica import ReplicaReadsMixin
from api.schema import problem
from api.throttles import ScopedRateThrottle
from healthcards.error_codes import HealthCardErrorCode
from healthcards.keyring import keyring_published
from healthcards.models import Facility
from healthcards.selectors import (
    access_card_case_for_support,
    access_healthcard_by_id,
    access_scan_by_id,
    card_case_queue,
    clinic_facility_for_user,
    healthcard_get_for_support,
    healthcard_list_for_viewer,
    scan_list_for_card,
    scan_list_for_facility,
)
from healthcards.serializers import (
    TYPED_FIELDS,
    CardCaseOutputSerializer,
    CaseCloseInputSerializer,
    FacilityScanOutputSerializer,
    HealthCardOutputSerializer,
    NotMeInputSerializer,
    QrOutputSerializer,
    ReactivatedOutputSerializer,
    ReactivateStartOutputSerializer,
    ReactivateVerifyInputSerializer,
    ReinstateInputSerializer,
    ReinstateOutputSerializer,
    ScanOutputSerializer,
    SupportCaseOutputSerializer,
    VerifyInputSerializer,
    VerifyOutputSerializer,
)
from healthcards.services.cards import card_reinstate_by_support, card_scan_report_not_me
from healthcards.services.cases import (
    card_case_close_by_support,
    card_case_queue_viewed,
    card_reactivate_start,
    card_reactivate_verify,
)
from healthcards.services.qr import card_qr_issue, qr_image_render
from healthcards.services.verify import card_verify, card_verify_typed

TAGS = ["healthcards"]


class HealthCardListApi(ETagMixin):
    permission_classes = [IsCitizen]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        responses=HealthCardOutputSerializer(many=True),
        summary="The citizen's cards and their minor children's",
    )
    def get(self, request: Request) -> Response:
        views = healthcard_list_for_viewer(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(views, request, view=self)
        context = {"today": timezone.localdate()}
        return paginator.get_paginated_response(
            HealthCardOutputSerializer(page, many=True, context=context).data
        )


QR_EXPIRES_HEADER = OpenApiParameter(
    "X-QR-Expires-At",
    OpenApiTypes.DATETIME,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description="When the signed QR stops being valid.",
)
QR_ERRORS = {
    409: problem("`card_suspended`, `card_revoked` or `card_expired`."),
    503: problem("`signing_key_unavailable`: no QR can be signed right now; try again later."),
}


class HealthCardQrApi(APIView):
    permission_classes = [IsCitizen]
    renderer_classes = [renderers.JSONRenderer, PNGRenderer, SVGRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        image_format = request.query_params.get("format")
        if image_format not in (None, "json", "png", "svg"):
            raise ApplicationError(
                code=HealthCardErrorCode.QR_FORMAT_UNSUPPORTED,
                detail=gettext("The format is json, png or svg."),
            )
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        tags=TAGS,
        summary="A short-lived signed QR for the card (JSON, PNG or SVG)",
        parameters=[
            OpenApiParameter("format", str, enum=["json", "png", "svg"], required=False),
            QR_EXPIRES_HEADER,
        ],
        responses={
            (200, "application/json"): QrOutputSerializer,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/svg+xml"): OpenApiTypes.STR,
            **QR_ERRORS,
        },
    )
    def get(self, request: Request, card_id: str) -> Response:
        card = access_healthcard_by_id(user=request.user, card_id=card_id)
        token = card_qr_issue(card=card)
        image_format = request.accepted_renderer.format
        headers = {
            "Cache-Control": "private, no-store",
            "X-QR-Expires-At": token.expires_at.isoformat(),
        }
        if image_format in ("png", "svg"):
            image = qr_image_render(token=token, image_format=image_format)
            return Response(image, headers=headers)
        return Response(QrOutputSerializer(token).data, headers=headers)


class HealthCardQrPngApi(HealthCardQrApi):
    """The same QR as ``qr?format=png``, at its own path so that generated clients, which pick
    one media type per answer, get bytes rather than trying to parse JSON."""

    renderer_classes = [PNGRenderer]

    @extend_schema(
        tags=TAGS,
        summary="The signed QR as a PNG image",
        parameters=[QR_EXPIRES_HEADER],
        responses={(200, "image/png"): OpenApiTypes.BINARY, **QR_ERRORS},
    )
    def get(self, request: Request, card_id: str) -> Response:
        return super().get(request, card_id)


class HealthCardQrSvgApi(HealthCardQrApi):
    """The same QR as ``qr?format=svg``, at its own path (see ``HealthCardQrPngApi``)."""

    renderer_classes = [SVGRenderer]

    @extend_schema(
        tags=TAGS,
        summary="The signed QR as an SVG image",
        parameters=[QR_EXPIRES_HEADER],
        responses={(200, "image/svg+xml"): OpenApiTypes.STR, **QR_ERRORS},
    )
    def get(self, request: Request, card_id: str) -> Response:
        return super().get(request, card_id)


class ScanCursorPagination(CursorPagination):
    ordering = ("-scanned_at", "-id")  # type: ignore[assignment]  # DRF accepts a tuple


class HealthCardScanListApi(ReplicaReadsMixin, APIView):
    permission_classes = [IsCitizen]
    pagination_class = ScanCursorPagination

    @extend_schema(
        tags=TAGS,
        summary="Every scan of the card, newest first",
        responses=ScanOutputSerializer(many=True),
    )
    def get(self, request: Request, card_id: str) -> Response:
        card = access_healthcard_by_id(user=request.user, card_id=card_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(scan_list_for_card(card=card), request, view=self)
        return paginator.get_paginated_response(ScanOutputSerializer(page, many=True).data)


class HealthCardScanNotMeApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAGS,
        summary="Report a scan that was not the holder: suspends the card's QR",
        request=NotMeInputSerializer,
        responses={
            201: CardCaseOutputSerializer,
            409: problem("`scan_already_reported`."),
        },
    )
    def post(self, request: Request, card_id: str, scan_id: str) -> Response:
        data = NotMeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = access_healthcard_by_id(user=request.user, card_id=card_id)
        scan = access_scan_by_id(card=card, scan_id=scan_id)
        case = card_scan_report_not_me(
            card=card,
            scan=scan,
            user=request.user,  # type: ignore[arg-type]  # IsCitizen
            comment=data.validated_data.get("comment", ""),
            ip=client_ip_or_none(request),
        )
        return Response(CardCaseOutputSerializer(case).data, status=status.HTTP_201_CREATED)


class SupportCardReinstateApi(APIView):
    permission_classes = [IsSupportStaff]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "support"

    @extend_schema(
        tags=["support"],
        summary="Clear a card's suspension (reason required, audited)",
        request=ReinstateInputSerializer,
        responses={
            200: ReinstateOutputSerializer,
            409: problem("`card_not_suspended`."),
        },
    )
    def post(self, request: Request, card_id: str) -> Response:
        data = ReinstateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = healthcard_get_for_support(card_id=card_id)
        card = card_reinstate_by_support(
            card=card,
            acting_user=request.user,  # type: ignore[arg-type]  # IsSupportStaff
            reason=data.validated_data["reason"],
            ip=client_ip_or_none(request),
        )
        return Response(ReinstateOutputSerializer(card).data)


class FacilityScanCursorPagination(CursorPagination):
    ordering = ("-scanned_at", "-id")  # type: ignore[assignment]  # DRF accepts a tuple


class ClinicScanListApi(APIView):
    permission_classes = [IsClinicOperator]
    pagination_class = FacilityScanCursorPagination

    @extend_schema(
        tags=["clinic"],
        summary="The facility's own recent scans, newest first",
        responses=FacilityScanOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        facility = _clinic_facility(request)
        paginator = self.pagination_class()
        scans = scan_list_for_facility(facility=facility)
        page = paginator.paginate_queryset(scans, request, view=self)
        return paginator.get_paginated_response(FacilityScanOutputSerializer(page, many=True).data)


class CaseCursorPagination(CursorPagination):
    ordering = ("created_at", "id")  # type: ignore[assignment]  # DRF accepts a tuple


class SupportCaseListApi(APIView):
    permission_classes = [IsSupportStaff]
    pagination_class = CaseCursorPagination
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "support"

    @extend_schema(
        tags=["support"],
        summary='Open "not me" cases, oldest first (audited)',
        responses=SupportCaseOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(card_case_queue(), request, view=self)
        cases = list(page or [])
        card_case_queue_viewed(
            acting_user=request.user,  # type: ignore[arg-type]  # IsSupportStaff
            count=len(cases),
            ip=client_ip_or_none(request),
        )
        return paginator.get_paginated_response(SupportCaseOutputSerializer(cases, many=True).data)


class SupportCaseCloseApi(APIView):
    permission_classes = [IsSupportStaff]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "support"

    @extend_schema(
        tags=["support"],
        summary="Close a case after review (reason required, audited); the card is unchanged",
        request=CaseCloseInputSerializer,
        responses={
            200: SupportCaseOutputSerializer,
            409: problem("`case_not_open`: the case is already closed."),
        },
    )
    def post(self, request: Request, case_id: str) -> Response:
        data = CaseCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = access_card_case_for_support(case_id=case_id)
        case = card_case_close_by_support(
            case=case,
            acting_user=request.user,  # type: ignore[arg-type]  # IsSupportStaff
            reason=data.validated_data["reason"],
            ip=client_ip_or_none(request),
        )
        return Response(SupportCaseOutputSerializer(case).data)


class HealthCardReactivateStartApi(APIView):
    permission_classes = [IsCitizen]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "otp"

    @extend_schema(
        tags=TAGS,
        summary='After "not me": send a code to the phone on file to get a new QR',
        request=None,
        responses={
            202: ReactivateStartOutputSerializer,
            409: problem('`card_not_reactivatable`: only a card suspended after "not me".'),
            429: problem("`throttled`, `otp_resend_too_soon` or `otp_daily_limit`."),
        },
    )
    def post(self, request: Request, card_id: str) -> Response:
        card = access_healthcard_by_id(user=request.user, card_id=card_id)
        started = card_reactivate_start(
            card=card,
            user=request.user,  # type: ignore[arg-type]  # IsCitizen
            ip=client_ip_or_none(request),
        )
        return Response(
            ReactivateStartOutputSerializer(started).data, status=status.HTTP_202_ACCEPTED
        )


class HealthCardReactivateVerifyApi(APIView):
    permission_classes = [IsCitizen]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "otp"

    @extend_schema(
        tags=TAGS,
        summary="Confirm with the code: the card is active again with a new QR",
        request=ReactivateVerifyInputSerializer,
        responses={
            200: ReactivatedOutputSerializer,
            400: problem(
                "`invalid`, or the code is wrong or expired (`otp_invalid`, `otp_expired`)."
            ),
            409: problem('`card_not_reactivatable`: only a card suspended after "not me".'),
            429: problem("`throttled`, or too many wrong codes."),
        },
    )
    def post(self, request: Request, card_id: str) -> Response:
        data = ReactivateVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = access_healthcard_by_id(user=request.user, card_id=card_id)
        card = card_reactivate_verify(
            card=card,
            user=request.user,  # type: ignore[arg-type]  # IsCitizen
            challenge_id=data.validated_data["challenge_id"],
            otp=data.validated_data["otp"],
            ip=client_ip_or_none(request),
        )
        return Response(ReactivatedOutputSerializer(card).data)


def _typed_lookup(data: Any) -> tuple[str, str] | None:
    """(field, number) when the body is a typed lookup, else None."""
    if isinstance(data, dict):
        for name in TYPED_FIELDS:
            if name in data:
                return name, data[name]
    return None


class ClinicTypedLookupThrottle(ScopedRateThrottle):
    """Typed numbers only, per operator (scope ``clinic_lookup``): a desk checks people in,
    it does not enumerate them. Scanned texts are counted by ``clinic_verify`` alone."""

    scope_attr = "typed_throttle_scope"

    def allow_request(self, request: Request, view: Any) -> bool:
        if _typed_lookup(request.data) is None:
            return True
        return super().allow_request(request, view)


class ClinicVerifyApi(APIView):
    permission_classes = [IsClinicOperator]
    throttle_classes = [ScopedRateThrottle, ClinicTypedLookupThrottle]
    throttle_scope = "clinic_verify"
    typed_throttle_scope = "clinic_lookup"

    @extend_schema(
        tags=["clinic"],
        summary="Verify a scanned QR (signed token, paper card or identity card text) or a "
        "typed national ID / social insurance number with the date of birth",
        request=VerifyInputSerializer,
        responses={
            200: VerifyOutputSerializer,
            403: problem("`permission_denied`, or `clinic_without_facility`."),
        },
    )
    def post(self, request: Request) -> Response:
        data = VerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        facility = _clinic_facility(request)
        typed = _typed_lookup(data.validated_data)
        if typed is None:
            verdict = card_verify(
                text=data.validated_data["qr"],
                operator=request.user,  # type: ignore[arg-type]  # IsClinicOperator
                facility=facility,
                scanned_at=data.validated_data.get("scanned_at"),
            )
        else:
            verdict = card_verify_typed(
                field=typed[0], identifier=typed[1],
                operator=request.user,  # type: ignore[arg-type]  # IsClinicOperator
                facility=facility, date_of_birth=data.validated_data["date_of_birth"],
            )  # fmt: skip
        body = {
            "result": verdict.result,
            "source": verdict.source,
            "scan_id": verdict.scan.pk if verdict.scan else None,
            "card": verdict.card if verdict.show_card else None,
        }
        context = {"today": timezone.localdate(), "facility": facility}
        return Response(VerifyOutputSerializer(body, context=context).data)


def _clinic_facility(request: Request) -> Facility:
    facility = clinic_facility_for_user(user=request.user)
    if facility is None:
        raise ApplicationError(
            code=HealthCardErrorCode.CLINIC_WITHOUT_FACILITY,
            detail=gettext("This clinic account is not linked to a facility."),
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return facility


@require_safe
def jwks_view(request: HttpRequest) -> JsonResponse:
    """The public keys as an RFC 7517 JWK Set, for offline verification (public, CORS)."""
    keys = [
        {"kty": "OKP", "crv": "Ed25519", "x": key.x, "kid": key.kid, "use": "sig", "alg": "EdDSA"}
        for key in keyring_published()
    ]
    response = JsonResponse({"keys": keys}, content_type="application/jwk-set+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={settings.HEALTHCARD_JWKS_MAX_AGE}"
    return response
