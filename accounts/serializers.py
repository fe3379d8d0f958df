"""Shapes of the accounts endpoints. Validation of form only; rules live in services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.identifiers import (
    mask_phone,
    normalize_phone,
    validate_national_id,
    validate_social_insurance_number,
)
from accounts.models import AuditEvent, Gender, Insuree, PhoneChangeRequest, Session, User
from accounts.selectors import VIEWER_RELATIONS
from api.fields import AsciiDateField
from api.reasons import validate_support_reason
from api.roles import Role

OTP_REGEX = r"^[0-9]{6}$"
SOCIAL_INSURANCE_NUMBER_PATTERN = r"^[0-9]{10}$"
NATIONAL_ID_PATTERN = r"^[0-9]{12}$"
PHONE_CHANGE_STATUSES = ["requested", "approved", "applied", "cancelled"]


@extend_schema_field(
    {"type": "string", "pattern": SOCIAL_INSURANCE_NUMBER_PATTERN, "example": "0123456789"}
)
class SocialInsuranceNumberField(serializers.CharField):
    """Mã số BHXH: 10 digits."""


@extend_schema_field({"type": "string", "pattern": NATIONAL_ID_PATTERN, "example": "001190012345"})
class NationalIdField(serializers.CharField):
    """Số định danh cá nhân (CCCD): 12 digits."""


def _django_validator(func: Any) -> Any:
    def run(value: str) -> None:
        try:
            func(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from error

    return run


class IdentifyInputSerializer(serializers.Serializer):
    social_insurance_number = SocialInsuranceNumberField(
        required=False, validators=[_django_validator(validate_social_insurance_number)]
    )
    national_id = NationalIdField(
        required=False, validators=[_django_validator(validate_national_id)]
    )
    date_of_birth = AsciiDateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("social_insurance_number", "national_id") if attrs.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Give either social_insurance_number or national_id."), code="identifier"
            )
        attrs["identifier"] = attrs[given[0]]
        return attrs


class ChallengeOutputSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField()
    phone_hint = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds until the code expires.")


class RegisterVerifyInputSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField()
    otp = serializers.RegexField(OTP_REGEX)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    device_name = serializers.CharField(
        max_length=100, required=False, help_text="Shown in the list of sessions."
    )


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    device_name = serializers.CharField(
        max_length=100, required=False, help_text="Shown in the list of sessions."
    )
    otp = serializers.CharField(
        max_length=10, required=False, help_text="TOTP code, for enrolled staff."
    )


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetVerifyInputSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField(required=False)
    username = serializers.RegexField(
        r"^([0-9]{10}|[0-9]{12})$",
        max_length=12,
        required=False,
        help_text="Social insurance number or national ID, when the code came from a reset "
        "started by support (no challenge id on the phone).",
    )
    otp = serializers.RegexField(OTP_REGEX)
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("challenge_id")) == bool(attrs.get("username")):
            raise serializers.ValidationError(
                _("Give either challenge_id or username."), code="identifier"
            )
        return attrs


class MeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    full_name = serializers.CharField()
    insuree_id = serializers.SerializerMethodField()
    social_insurance_number = serializers.SerializerMethodField()
    national_id = serializers.SerializerMethodField()
    date_of_birth = serializers.SerializerMethodField()
    gender = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField(help_text="The phone on file, masked.")
    address = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    household_code = serializers.SerializerMethodField()

    def _insuree(self, user: User) -> Insuree | None:
        return user.insuree

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_insuree_id(self, user: User) -> Any:
        return str(user.insuree.public_id) if user.insuree else None

    @extend_schema_field(SocialInsuranceNumberField(allow_null=True))
    def get_social_insurance_number(self, user: User) -> str | None:
        return user.insuree.social_insurance_number if user.insuree else None

    @extend_schema_field(NationalIdField(allow_null=True))
    def get_national_id(self, user: User) -> str | None:
        return user.insuree.national_id if user.insuree else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_date_of_birth(self, user: User) -> str | None:
        return user.insuree.date_of_birth.isoformat() if user.insuree else None

    @extend_schema_field(serializers.ChoiceField(choices=Gender.choices, allow_null=True))
    def get_gender(self, user: User) -> str | None:
        return user.insuree.gender if user.insuree else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, user: User) -> str | None:
        return mask_phone(user.insuree.phone) if user.insuree else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_address(self, user: User) -> str | None:
        return user.insuree.address if user.insuree else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_province(self, user: User) -> str | None:
        return user.insuree.province.name if user.insuree else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_household_code(self, user: User) -> str | None:
        insuree = user.insuree
        return insuree.household.code if insuree and insuree.household else None


class SessionOutputSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "device_name", "ip", "user_agent", "created_at", "last_used_at", "current"]

    def get_current(self, session: Session) -> bool:
        return str(session.pk) == str(self.context.get("sid"))


class HouseholdMemberOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    relation = serializers.SerializerMethodField(help_text="Relation to the viewer.")

    @extend_schema_field(serializers.ChoiceField(choices=VIEWER_RELATIONS))
    def get_relation(self, member: Insuree) -> str:
        return str(self.context["relations"][member.pk])


class SupportSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=32, help_text="Exact social insurance number, national ID or phone."
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, validators=[validate_support_reason])


class PhoneChangeInputSerializer(ReasonInputSerializer):
    new_phone = serializers.CharField(max_length=20)
    document_reference = serializers.CharField(
        max_length=100, help_text="Reference of the identity document checked at the counter."
    )

    def validate_new_phone(self, value: str) -> str:
        try:
            return normalize_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code="invalid_phone") from error


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False)


class SupportAccountOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="Masked phone on file.")
    locked = serializers.SerializerMethodField()
    locked_for = serializers.SerializerMethodField(help_text="Seconds until unlocked.")
    is_active = serializers.BooleanField()
    has_usable_password = serializers.SerializerMethodField()
    last_login = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, user: User) -> str | None:
        return mask_phone(user.insuree.phone) if user.insuree else None

    def get_locked(self, user: User) -> bool:
        return bool(self.context["locked_for"].get(user.pk, 0))

    def get_locked_for(self, user: User) -> int:
        return int(self.context["locked_for"].get(user.pk, 0))

    def get_has_usable_password(self, user: User) -> bool:
        return user.has_usable_password()


class SupportActionOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()
    sessions_ended = serializers.IntegerField(required=False)
    phone_hint = serializers.CharField(required=False)


class PhoneChangeOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PHONE_CHANGE_STATUSES)
    old_phone = serializers.SerializerMethodField()
    new_phone = serializers.SerializerMethodField()
    account_id = serializers.UUIDField(source="user_id")
    requested_by = serializers.CharField(source="requested_by.username")
    approved_by = serializers.CharField(source="approved_by.username", allow_null=True)

    class Meta:
        model = PhoneChangeRequest
        fields = [
            "id", "account_id", "status", "old_phone", "new_phone", "document_reference",
            "reason", "requested_by", "approved_by", "created_at", "approved_at",
            "effective_at", "cancelled_at", "applied_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_old_phone(self, change: PhoneChangeRequest) -> str | None:
        return mask_phone(change.old_phone)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_new_phone(self, change: PhoneChangeRequest) -> str | None:
        return mask_phone(change.new_phone)


class CitizenPhoneChangeOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PHONE_CHANGE_STATUSES)
    new_phone = serializers.SerializerMethodField()

    class Meta:
        model = PhoneChangeRequest
        fields = ["id", "status", "new_phone", "created_at", "effective_at", "cancelled_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_new_phone(self, change: PhoneChangeRequest) -> str | None:
        return mask_phone(change.new_phone)


class AuditEventOutputSerializer(serializers.ModelSerializer):
    actor_username = serializers.CharField(source="actor.username", allow_null=True)
    target_username = serializers.CharField(source="target_user.username", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id", "occurred_at", "action", "actor", "actor_username", "actor_role",
            "target_user", "target_username", "target_insuree", "object_type", "object_id",
            "reason", "ip", "data",
        ]  # fmt: skip
