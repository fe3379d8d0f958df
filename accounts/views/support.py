"""Support staff: find an account, act on it with a reason, read the audit log."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import (
    access_account_for_support,
    access_phone_change_for_support,
    account_locked_for,
    audit_event_list,
    phone_change_list,
    support_account_search,
)
from accounts.serializers import (
    AuditEventOutputSerializer,
    PhoneChangeInputSerializer,
    PhoneChangeOutputSerializer,
    ReasonInputSerializer,
    SupportAccountOutputSerializer,
    SupportActionOutputSerializer,
    SupportSearchInputSerializer,
)
from accounts.services.support import (
    account_reset_by_support,
    account_sessions_revoke_by_support,
    account_unlock_by_support,
    phone_change_approve,
    phone_change_cancel,
    phone_change_request,
)
from accounts.views.client import client_ip
from api.pagination import CursorPagination, PageNumberPagination
from api.permissions import IsSupportStaff
from api.schema import problem

TAG = ["support"]


class _SupportApi(APIView):
    permission_classes = [IsSupportStaff]
    throttle_scope = "support"


def _account_search_response(api: APIView, request: Request, query: str) -> Response:
    paginator = PageNumberPagination()  # both search views declare it as pagination_class
    page = paginator.paginate_queryset(support_account_search(query=query), request, view=api)
    users = list(page or [])
    context = {"locked_for": account_locked_for(users=users)}
    return paginator.get_paginated_response(
        SupportAccountOutputSerializer(users, many=True, context=context).data
    )


class SupportAccountSearchApi(_SupportApi):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAG,
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Exact social insurance number, national ID or phone. Masked in "
                "logs; prefer POST support/accounts/search, which keeps it out of URLs.",
            )
        ],
        responses={200: SupportAccountOutputSerializer(many=True)},
        summary="Find a citizen's account",
    )
    def get(self, request: Request) -> Response:
        return _account_search_response(self, request, request.query_params.get("q", ""))


class SupportAccountSearchPostApi(_SupportApi):
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAG,
        request=SupportSearchInputSerializer,
        # A page, like GET support/accounts (the schema hook documents pages of GETs only)
        responses={
            200: inline_serializer(
                "PaginatedSupportAccountSearchList",
                fields={
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": SupportAccountOutputSerializer(many=True),
                },
            )
        },
        summary="Find a citizen's account (the identifier in the body, never in a URL)",
    )
    def post(self, request: Request) -> Response:
        data = SupportSearchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _account_search_response(self, request, data.validated_data["q"])


class SupportAccountUnlockApi(_SupportApi):
    @extend_schema(
        tags=TAG,
        request=ReasonInputSerializer,
        responses={200: SupportActionOutputSerializer},
        summary="Unlock an account locked by failed sign-ins",
    )
    def post(self, request: Request, account_id: str) -> Response:
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = access_account_for_support(account_id=account_id)
        account_unlock_by_support(
            acting_user=request.user,  # type: ignore[arg-type]
            user=user,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response({"detail": _("The account is unlocked.")})


class SupportAccountResetApi(_SupportApi):
    @extend_schema(
        tags=TAG,
        request=ReasonInputSerializer,
        responses={
            200: SupportActionOutputSerializer,
            409: problem("`insuree_not_found`: no phone on file to send a code to."),
        },
        summary="Reset: end every session, disable the password, send a reset code by SMS",
    )
    def post(self, request: Request, account_id: str) -> Response:
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = access_account_for_support(account_id=account_id)
        hint = account_reset_by_support(
            acting_user=request.user,  # type: ignore[arg-type]
            user=user,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(
            {"detail": _("A reset code was sent to the phone on file."), "phone_hint": hint}
        )


class SupportAccountRevokeSessionsApi(_SupportApi):
    @extend_schema(
        tags=TAG,
        request=ReasonInputSerializer,
        responses={200: SupportActionOutputSerializer},
        summary="Sign the account out of every device",
    )
    def post(self, request: Request, account_id: str) -> Response:
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = access_account_for_support(account_id=account_id)
        ended = account_sessions_revoke_by_support(
            acting_user=request.user,  # type: ignore[arg-type]
            user=user,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response({"detail": _("Every session was ended."), "sessions_ended": ended})


class SupportAccountChangePhoneApi(_SupportApi):
    @extend_schema(
        tags=TAG,
        request=PhoneChangeInputSerializer,
        responses={
            201: PhoneChangeOutputSerializer,
            409: problem("`insuree_not_found`, `phone_unchanged` or `phone_change_pending`."),
        },
        summary="Request a phone change (another staff member approves it; cooling-off)",
    )
    def post(self, request: Request, account_id: str) -> Response:
        data = PhoneChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = access_account_for_support(account_id=account_id)
        change = phone_change_request(
            acting_user=request.user,  # type: ignore[arg-type]
            user=user,
            new_phone=data.validated_data["new_phone"],
            document_reference=data.validated_data["document_reference"],
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(PhoneChangeOutputSerializer(change).data, status=status.HTTP_201_CREATED)


class PhoneChangePagination(CursorPagination):
    ordering = "-created_at"


class SupportPhoneChangeListApi(_SupportApi):
    pagination_class = PhoneChangePagination

    @extend_schema(
        tags=TAG,
        responses={200: PhoneChangeOutputSerializer(many=True)},
        summary="Phone changes still pending (requested or in cooling-off)",
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(phone_change_list(pending=True), request, view=self)
        return paginator.get_paginated_response(PhoneChangeOutputSerializer(page, many=True).data)


class SupportPhoneChangeApproveApi(_SupportApi):
    @extend_schema(
        tags=TAG,
        request=ReasonInputSerializer,
        responses={
            200: PhoneChangeOutputSerializer,
            403: problem("`permission_denied`, or `phone_change_same_person`."),
            409: problem("`phone_change_not_pending`."),
        },
        summary="Approve a phone change requested by someone else",
    )
    def post(self, request: Request, change_id: str) -> Response:
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = access_phone_change_for_support(change_id=change_id)
        change = phone_change_approve(
            acting_user=request.user,  # type: ignore[arg-type]
            change=change,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(PhoneChangeOutputSerializer(change).data)


class SupportPhoneChangeCancelApi(_SupportApi):
    @extend_schema(
        tags=TAG,
        request=ReasonInputSerializer,
        responses={
            200: PhoneChangeOutputSerializer,
            409: problem("`phone_change_not_pending`."),
        },
        summary="Cancel a pending phone change",
    )
    def post(self, request: Request, change_id: str) -> Response:
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = access_phone_change_for_support(change_id=change_id)
        change = phone_change_cancel(
            acting_user=request.user,  # type: ignore[arg-type]
            change=change,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(PhoneChangeOutputSerializer(change).data)


class AuditPagination(CursorPagination):
    ordering = "-occurred_at"


class SupportAuditListApi(_SupportApi):
    pagination_class = AuditPagination

    @extend_schema(
        tags=TAG,
        parameters=[
            OpenApiParameter("target_user", str, description="Only events about this account.")
        ],
        responses={200: AuditEventOutputSerializer(many=True)},
        summary="The audit log, newest first",
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        events = audit_event_list(target_user_id=request.query_params.get("target_user"))
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(AuditEventOutputSerializer(page, many=True).data)
