"""Staff enrol an authenticator app (TOTP); citizens do not use it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStaffMember
from accounts.services.totp import totp_enrol_confirm, totp_enrol_start
from accounts.views.client import client_ip
from api.schema import problem

TAG = ["auth"]


class TotpEnrolOutputSerializer(serializers.Serializer):
    config_url = serializers.CharField(help_text="otpauth:// URI to show as a QR code.")
    secret = serializers.CharField(help_text="The same key in base32, to type by hand.")


class TotpConfirmInputSerializer(serializers.Serializer):
    otp = serializers.RegexField(r"^[0-9]{6}$")


class TotpEnrolApi(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=TAG,
        request=None,
        responses={
            201: TotpEnrolOutputSerializer,
            409: problem("`totp_already_enrolled`."),
        },
        summary="Staff: start enrolling an authenticator app",
    )
    def post(self, request: Request) -> Response:
        data = totp_enrol_start(user=request.user)  # type: ignore[arg-type]
        return Response(TotpEnrolOutputSerializer(data).data, status=status.HTTP_201_CREATED)


class TotpConfirmApi(APIView):
    permission_classes = [IsStaffMember]
    throttle_scope = "otp"

    @extend_schema(
        tags=TAG,
        request=TotpConfirmInputSerializer,
        responses={204: None, 400: problem("`invalid`, or `otp_invalid`.")},
        summary="Staff: confirm the authenticator with a first code",
    )
    def post(self, request: Request) -> Response:
        data = TotpConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        totp_enrol_confirm(
            user=request.user,  # type: ignore[arg-type]
            otp=data.validated_data["otp"],
            ip=client_ip(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
