"""Public and session endpoints: activation, login, refresh, logout, passwords."""

from __future__ import annotations

from dataclasses import asdict

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import OtpPurpose
from accounts.serializers import (
    ChallengeOutputSerializer,
    IdentifyInputSerializer,
    LoginInputSerializer,
    PasswordChangeInputSerializer,
    PasswordResetVerifyInputSerializer,
    RefreshInputSerializer,
    RegisterVerifyInputSerializer,
    SupportActionOutputSerializer,
    TokenPairOutputSerializer,
)
from accounts.services.login import login_attempt
from accounts.services.otp import otp_challenge_start
from accounts.services.passwords import account_activate, password_change, password_reset_verify
from accounts.services.sessions import session_end, sessions_end_all, token_refresh
from accounts.views.client import client_ip, client_session_id, client_user_agent
from api.schema import problem
from api.throttles import IPFailureRateThrottle, IPScopedRateThrottle, throttle_refund_on_success

TAG = ["auth"]


class _PublicApi(APIView):
    """Public endpoints that send nothing: the per-IP limit counts failures only (a success
    gives its count back), so many people behind one address can all sign in."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [IPFailureRateThrottle]

    def finalize_response(
        self, request: Request, response: Response, *args: object, **kwargs: object
    ) -> Response:
        throttle_refund_on_success(request, response.status_code)
        return super().finalize_response(request, response, *args, **kwargs)


class _PublicStartApi(_PublicApi):
    """Start endpoints may send an SMS whatever the answer says: every request counts."""

    throttle_classes = [IPScopedRateThrottle]


def _challenge_start(request: Request, purpose: str) -> Response:
    data = IdentifyInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    started = otp_challenge_start(
        purpose=purpose,
        identifier=data.validated_data["identifier"],
        date_of_birth=data.validated_data["date_of_birth"],
        ip=client_ip(request),
    )
    return Response(ChallengeOutputSerializer(asdict(started)).data, status=202)


class RegisterStartApi(_PublicStartApi):
    throttle_scope = "otp"

    @extend_schema(
        tags=TAG,
        request=IdentifyInputSerializer,
        responses={
            202: ChallengeOutputSerializer,
            429: problem("`throttled`, `otp_resend_too_soon` or `otp_daily_limit`."),
        },
        summary="Start activation: an OTP goes to the phone on file (same answer for anyone)",
    )
    def post(self, request: Request) -> Response:
        return _challenge_start(request, OtpPurpose.ACTIVATION)


class RegisterVerifyApi(_PublicApi):
    throttle_scope = "otp"

    @extend_schema(
        tags=TAG,
        request=RegisterVerifyInputSerializer,
        responses={
            201: TokenPairOutputSerializer,
            400: problem(
                "`invalid`, or the code is wrong or expired (`otp_invalid`, `otp_expired`)."
            ),
            409: problem("`account_exists`: this person already has an account."),
            429: problem("`throttled`, or too many wrong codes."),
        },
        summary="Finish activation: the OTP and a new password create the account",
    )
    def post(self, request: Request) -> Response:
        data = RegisterVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tokens = account_activate(
            challenge_id=data.validated_data["challenge_id"],
            otp=data.validated_data["otp"],
            password=data.validated_data["password"],
            device_name=data.validated_data.get("device_name", ""),
            ip=client_ip(request),
            user_agent=client_user_agent(request),
        )
        return Response(TokenPairOutputSerializer(tokens).data, status=201)


class TokenObtainApi(_PublicApi):
    throttle_scope = "login"

    @extend_schema(
        tags=TAG,
        request=LoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            401: problem("`invalid_credentials` (also for a missing or wrong staff TOTP code)."),
            423: problem("`account_locked`: too many failed sign-ins; see `retry_after`."),
        },
        summary="Sign in (social insurance number, national ID or staff username)",
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tokens = login_attempt(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            otp=data.validated_data.get("otp", ""),
            device_name=data.validated_data.get("device_name", ""),
            ip=client_ip(request),
            user_agent=client_user_agent(request),
        )
        return Response(TokenPairOutputSerializer(tokens).data)


class TokenRefreshApi(_PublicApi):
    throttle_scope = "login"

    @extend_schema(
        tags=TAG,
        request=RefreshInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            401: problem("`token_not_valid`: unknown, expired, reused or revoked refresh token."),
        },
        summary="Rotate a refresh token (the old one stops working)",
    )
    def post(self, request: Request) -> Response:
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tokens = token_refresh(raw_refresh=data.validated_data["refresh"], ip=client_ip(request))
        return Response(TokenPairOutputSerializer(tokens).data)


class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, request=None, responses={204: None}, summary="End this session")
    def post(self, request: Request) -> Response:
        session_end(user=request.user, session_id=client_session_id(request))  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG, request=None, responses={204: None}, summary="End every session, this one too"
    )
    def post(self, request: Request) -> Response:
        sessions_end_all(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        request=PasswordChangeInputSerializer,
        responses={204: None, 400: problem("`invalid`, or `password_incorrect`.")},
        summary="Change the password; every other session ends",
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_change(
            user=request.user,  # type: ignore[arg-type]
            old_password=data.validated_data["old_password"],
            new_password=data.validated_data["new_password"],
            session_id=client_session_id(request),
            ip=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetStartApi(_PublicStartApi):
    throttle_scope = "password_reset"

    @extend_schema(
        tags=TAG,
        request=IdentifyInputSerializer,
        responses={
            202: ChallengeOutputSerializer,
            429: problem("`throttled`, `otp_resend_too_soon` or `otp_daily_limit`."),
        },
        summary="Forgotten password: an OTP goes to the phone on file (same answer for anyone)",
    )
    def post(self, request: Request) -> Response:
        return _challenge_start(request, OtpPurpose.PASSWORD_RESET)


class PasswordResetVerifyApi(_PublicApi):
    throttle_scope = "password_reset"

    @extend_schema(
        tags=TAG,
        request=PasswordResetVerifyInputSerializer,
        responses={
            200: SupportActionOutputSerializer,
            400: problem(
                "`invalid`, or the code is wrong or expired (`otp_invalid`, `otp_expired`)."
            ),
            429: problem("`throttled`, or too many wrong codes."),
        },
        summary="Forgotten password: the OTP and a new password",
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_verify(
            challenge_id=data.validated_data.get("challenge_id"),
            username=data.validated_data.get("username", ""),
            otp=data.validated_data["otp"],
            password=data.validated_data["password"],
            ip=client_ip(request),
        )
        return Response({"detail": _("Your password was changed. Please sign in.")})
