"""Notification endpoints: devices, the inbox, preferences (citizens) and campaigns
(agency). One thin view per operation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import CursorPagination
from api.permissions import IsAgencyStaff, IsCitizen
from notifications.models import Campaign, Notification
from notifications.selectors import (
    access_campaign_by_id,
    access_device_by_token,
    access_notification_by_id,
    notification_list,
    notification_unread_count,
    preference_get,
    preference_push_map,
    reader_language,
)
from notifications.serializers import (
    CampaignCreateInputSerializer,
    CampaignOutputSerializer,
    DeviceOutputSerializer,
    DeviceRegisterInputSerializer,
    NotificationOutputSerializer,
    PreferenceSerializer,
    UnreadCountOutputSerializer,
)
from notifications.services import (
    campaign_counts,
    campaign_create,
    device_register,
    device_unregister,
    notification_mark_read,
    notification_text,
    notifications_mark_all_read,
    preference_update,
)

TAGS = ["notifications"]


def _session_id(request: Request) -> Any:
    token = request.auth
    return token.get("sid") if token is not None and hasattr(token, "get") else None


class DeviceRegisterApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAGS,
        request=DeviceRegisterInputSerializer,
        responses={200: DeviceOutputSerializer, 201: DeviceOutputSerializer},
        summary="Register (201) or refresh (200) this session's push token",
    )
    def post(self, request: Request) -> Response:
        data = DeviceRegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, created = device_register(
            user=request.user, session_id=_session_id(request), **data.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DeviceOutputSerializer(device).data, status=code)


class DeviceDeleteApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAGS, responses={204: None}, summary="Stop pushing to this token")
    def delete(self, request: Request, token: str) -> Response:
        device = access_device_by_token(user=request.user, token=token)
        device_unregister(device=device)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InboxPagination(CursorPagination):
    ordering = ("-created_at", "-id")  # type: ignore[assignment]
    page_size = 20
    max_page_size = 100


def _item(notification: Notification, language: str) -> dict[str, Any]:
    title, body = notification_text(notification, language)
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "category": notification.category,
        "title": title,
        "body": body,
        "data": notification.data,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


class NotificationListApi(APIView):
    permission_classes = [IsCitizen]
    pagination_class = InboxPagination

    @extend_schema(
        tags=TAGS,
        responses=NotificationOutputSerializer(many=True),
        parameters=[OpenApiParameter("unread", bool, required=False)],
        summary="The inbox, newest first, in the reader's language",
    )
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        rows = notification_list(user=request.user, unread=unread)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        language = reader_language(user=request.user)
        items = [_item(notification, language) for notification in page]
        return paginator.get_paginated_response(NotificationOutputSerializer(items, many=True).data)


class UnreadCountApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAGS, responses=UnreadCountOutputSerializer, summary="Unread items")
    def get(self, request: Request) -> Response:
        return Response({"count": notification_unread_count(user=request.user)})


class NotificationReadApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAGS, request=None, responses={204: None}, summary="Mark one read")
    def post(self, request: Request, notification_id: str) -> Response:
        notification = access_notification_by_id(user=request.user, notification_id=notification_id)
        notification_mark_read(notification=notification)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationReadAllApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAGS, request=None, responses={204: None}, summary="Mark all read")
    def post(self, request: Request) -> Response:
        notifications_mark_all_read(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _preference_body(preference: Any) -> dict[str, Any]:
    return {"language": preference.language, "push": preference_push_map(preference)}


class PreferenceApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(tags=TAGS, responses=PreferenceSerializer, summary="Notification settings")
    def get(self, request: Request) -> Response:
        return Response(_preference_body(preference_get(user=request.user)))

    @extend_schema(
        tags=TAGS,
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, 400: OpenApiResponse(description="Problem")},
        summary="Change the language and the categories pushed (security stays on)",
    )
    def put(self, request: Request) -> Response:
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = preference_update(
            user=request.user,
            language=data.validated_data.get("language"),
            push=data.validated_data.get("push"),
        )
        return Response(_preference_body(preference))


def _campaign_body(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "body": campaign.body,
        "segment": campaign.segment,
        "send_at": campaign.send_at,
        "status": campaign.status,
        "created_at": campaign.created_at,
        "finished_at": campaign.finished_at,
        **campaign_counts(campaign=campaign),
    }


class CampaignCreateApi(APIView):
    permission_classes = [IsAgencyStaff]

    @extend_schema(
        tags=["agency"],
        request=CampaignCreateInputSerializer,
        responses={201: CampaignOutputSerializer},
        summary="Broadcast a message to a segment of citizens",
    )
    def post(self, request: Request) -> Response:
        data = CampaignCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = campaign_create(acting_user=request.user, **data.validated_data)
        campaign.refresh_from_db()
        return Response(
            CampaignOutputSerializer(_campaign_body(campaign)).data,
            status=status.HTTP_201_CREATED,
        )


class CampaignDetailApi(APIView):
    permission_classes = [IsAgencyStaff]

    @extend_schema(
        tags=["agency"], responses=CampaignOutputSerializer, summary="A campaign's counts"
    )
    def get(self, request: Request, campaign_id: str) -> Response:
        campaign = access_campaign_by_id(campaign_id=campaign_id)
        return Response(CampaignOutputSerializer(_campaign_body(campaign)).data)
