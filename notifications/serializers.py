"""Shapes of the notification endpoints (no saving here: views call services)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.kinds import Kind
from notifications.models import Category, Language, Platform

SEGMENT_KINDS = ("all", "province", "scheme", "age")


class DeviceRegisterInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=512)
    platform = serializers.ChoiceField(choices=Platform.choices)
    app_version = serializers.CharField(max_length=40, required=False, allow_blank=True)
    locale = serializers.CharField(max_length=16, required=False, allow_blank=True)


class DeviceOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    token = serializers.CharField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    app_version = serializers.CharField()
    locale = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=[kind.value for kind in Kind])
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    data = serializers.DictField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class UnreadCountOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class PushPreferencesSerializer(serializers.Serializer):
    security = serializers.BooleanField(required=False)
    contributions = serializers.BooleanField(required=False)
    benefits = serializers.BooleanField(required=False)
    healthcard = serializers.BooleanField(required=False)
    campaign = serializers.BooleanField(required=False)


class PreferenceSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    push = PushPreferencesSerializer(required=False)


class LocalizedTextSerializer(serializers.Serializer):
    vi = serializers.CharField(max_length=1000)
    en = serializers.CharField(max_length=1000)


class SegmentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SEGMENT_KINDS)
    province = serializers.RegexField(r"^[0-9]{2}$", required=False)
    scheme = serializers.CharField(max_length=20, required=False)
    min = serializers.IntegerField(min_value=0, max_value=150, required=False)
    max = serializers.IntegerField(min_value=0, max_value=150, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needs = {"province": ["province"], "scheme": ["scheme"], "age": ["min", "max"]}
        missing = [name for name in needs.get(attrs["kind"], []) if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: _("This field is required for this kind of segment.") for name in missing}
            )
        if attrs["kind"] == "age" and attrs["min"] > attrs["max"]:
            raise serializers.ValidationError({"min": _("The minimum age exceeds the maximum.")})
        keep = ["kind", *needs.get(attrs["kind"], [])]
        return {name: attrs[name] for name in keep}


class CampaignCreateInputSerializer(serializers.Serializer):
    title = LocalizedTextSerializer()
    body = LocalizedTextSerializer()
    segment = SegmentSerializer()
    send_at = serializers.DateTimeField(required=False)


class CampaignOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = LocalizedTextSerializer()
    body = LocalizedTextSerializer()
    segment = serializers.DictField()
    send_at = serializers.DateTimeField()
    status = serializers.CharField()
    targeted = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
