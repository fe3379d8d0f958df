"""The signed-in person: profile, sessions, household, their pending phone changes."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import (
    access_household_member,
    access_phone_change_for_citizen,
    access_session_for_user,
    household_member_relation,
    household_members,
    phone_change_list,
    session_list_for_user,
    user_profile_get,
)
from accounts.serializers import (
    CancelInputSerializer,
    CitizenPhoneChangeOutputSerializer,
    HouseholdMemberOutputSerializer,
    MeOutputSerializer,
    SessionOutputSerializer,
)
from accounts.services.sessions import session_end
from accounts.services.support import phone_change_cancel
from accounts.views.client import client_ip, client_session_id
from api.pagination import CursorPagination
from api.permissions import IsCitizen
from api.schema import problem

TAG = ["me"]


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={200: MeOutputSerializer}, summary="My profile")
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(user_profile_get(user_id=str(request.user.pk))).data)


class SessionPagination(CursorPagination):
    ordering = "-created_at"


class MeSessionListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = SessionPagination

    @extend_schema(
        tags=TAG,
        responses={200: SessionOutputSerializer(many=True)},
        summary="My signed-in devices",
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            session_list_for_user(user=request.user),  # type: ignore[arg-type]
            request,
            view=self,
        )
        context = {"sid": client_session_id(request)}
        return paginator.get_paginated_response(
            SessionOutputSerializer(page, many=True, context=context).data
        )


class MeSessionDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={204: None}, summary="Sign a device out")
    def delete(self, request: Request, session_id: str) -> Response:
        session = access_session_for_user(user=request.user, session_id=session_id)  # type: ignore[arg-type]
        session_end(user=request.user, session_id=session.pk, reason="revoked_by_user")  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeHouseholdApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        responses={200: HouseholdMemberOutputSerializer(many=True)},
        summary="The members of my household and their relation to me",
    )
    def get(self, request: Request) -> Response:
        viewer = request.user.insuree  # type: ignore[union-attr]
        if viewer is None:
            raise Http404
        members = list(household_members(insuree=viewer))
        relations = {m.pk: household_member_relation(viewer=viewer, member=m) for m in members}
        return Response(
            HouseholdMemberOutputSerializer(
                members, many=True, context={"relations": relations}
            ).data
        )


class MeHouseholdMemberApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        responses={200: HouseholdMemberOutputSerializer},
        summary="One member of my household (anyone else's id is 404)",
    )
    def get(self, request: Request, member_id: str) -> Response:
        viewer = request.user.insuree  # type: ignore[union-attr]
        if viewer is None:
            raise Http404
        member = access_household_member(viewer=viewer, public_id=member_id)
        relations = {member.pk: household_member_relation(viewer=viewer, member=member)}
        return Response(
            HouseholdMemberOutputSerializer(member, context={"relations": relations}).data
        )


class MePhoneChangeListApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        responses={200: CitizenPhoneChangeOutputSerializer(many=True)},
        summary="Phone changes of my account that are still pending",
    )
    def get(self, request: Request) -> Response:
        changes = phone_change_list(user=request.user, pending=True)[:10]  # type: ignore[arg-type]
        return Response(CitizenPhoneChangeOutputSerializer(changes, many=True).data)


class MePhoneChangeCancelApi(APIView):
    permission_classes = [IsCitizen]

    @extend_schema(
        tags=TAG,
        request=CancelInputSerializer,
        responses={
            200: CitizenPhoneChangeOutputSerializer,
            409: problem("`phone_change_not_pending`."),
        },
        summary="Cancel a change of my phone number before it takes effect",
    )
    def post(self, request: Request, change_id: str) -> Response:
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = access_phone_change_for_citizen(user=request.user, change_id=change_id)  # type: ignore[arg-type]
        change = phone_change_cancel(
            acting_user=request.user,  # type: ignore[arg-type]
            change=change,
            reason=data.validated_data.get("reason", ""),
            ip=client_ip(request),
        )
        return Response(CitizenPhoneChangeOutputSerializer(change).data)
