"""Endpoints that raise each kind of error, for the error-format tests."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import ApplicationError
from api.permissions import IsSupportStaff
from api.throttles import IPScopedRateThrottle


class _Input(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    age = serializers.IntegerField(min_value=0)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False)


class EchoApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        data = _Input(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class PrivateApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


class SupportOnlyApi(APIView):
    permission_classes = [IsSupportStaff]

    def get(self, request):
        return Response({"ok": True})


class MissingApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Http404("secret internal detail")


class ThrottledApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [IPScopedRateThrottle]
    throttle_scope = "test_burst"

    def get(self, request):
        return Response({"ok": True})


class BoomApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("database password is hunter2")


class RuleApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise ApplicationError(
            code="card_suspended", detail="The card is suspended.", status_code=409
        )


class ModelRuleApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise DjangoValidationError({"phone": ["Enter a Vietnamese mobile number."]})


urlpatterns = [
    path("echo", EchoApi.as_view()),
    path("private", PrivateApi.as_view()),
    path("support-only", SupportOnlyApi.as_view()),
    path("missing", MissingApi.as_view()),
    path("throttled", ThrottledApi.as_view()),
    path("boom", BoomApi.as_view()),
    path("rule", RuleApi.as_view()),
    path("model-rule", ModelRuleApi.as_view()),
]

handler404 = "api.exceptions.not_found_view"
