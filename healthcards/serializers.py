"""Shapes of the health-card endpoints (no business logic here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import GENDERS, VIEWER_RELATIONS
from api.reasons import validate_support_reason
from healthcards.beneficiaries import coverage_text
from healthcards.models import (
    CardCaseKind,
    CardCaseStatus,
    CardStatus,
    HealthCard,
    ScanResult,
    ScanSource,
)

CARD_NUMBER_PATTERN = r"^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$"


@extend_schema_field(
    {"type": "string", "pattern": CARD_NUMBER_PATTERN, "example": "DN4010123456789"}
)
class CardNumberField(serializers.CharField):
    """A health-insurance card number: group, benefit level, province, social insurance number."""


# A desk's clock may run a little ahead of the server's.
QUEUED_CLOCK_SKEW_SECONDS = 60


class StrictCharField(serializers.CharField):
    """A string and nothing else: DRF's CharField would turn 42 or true into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class FacilityRefSerializer(serializers.Serializer):
    code = serializers.RegexField(
        r"^[0-9]{2}[0-9A-Z]{3}$", help_text="Province (2 digits) and facility (3 characters)."
    )
    name = serializers.CharField()


class HealthCardOutputSerializer(serializers.Serializer):
    """``instance`` is a CardView (card + relation to the viewer)."""

    id = serializers.UUIDField(source="card.id")
    card_number = CardNumberField(source="card.card_number")
    holder_name = serializers.CharField(source="card.insuree.full_name")
    holder_id = serializers.UUIDField(source="card.insuree.public_id")
    relation = serializers.ChoiceField(
        choices=VIEWER_RELATIONS, help_text="Relation to the viewer."
    )
    beneficiary_group = serializers.RegexField(r"^[A-Z]{2}$", source="card.beneficiary_group")
    benefit_level = serializers.IntegerField(source="card.benefit_level")
    coverage_percent = serializers.IntegerField(source="card.coverage_percent")
    coverage = serializers.SerializerMethodField()
    province_code = serializers.RegexField(r"^[0-9]{2}$", source="card.province_code")
    registered_facility = FacilityRefSerializer(source="card.registered_facility")
    valid_from = serializers.DateField(source="card.valid_from")
    valid_to = serializers.DateField(source="card.valid_to", allow_null=True)
    five_year_date = serializers.DateField(source="card.five_year_date", allow_null=True)
    issued_on = serializers.DateField(source="card.issued_on")
    status = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_coverage(self, view: Any) -> str:
        return coverage_text(view.card.benefit_level, get_language(), self.context.get("today"))

    @extend_schema_field(serializers.ChoiceField(choices=CardStatus.choices))
    def get_status(self, view: Any) -> str:
        return str(view.card.effective_status(self.context["today"]))


class QrOutputSerializer(serializers.Serializer):
    payload = serializers.CharField(help_text="Compact JWS (EdDSA) to show as a QR code.")
    expires_at = serializers.DateTimeField()


class ScanOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    facility = FacilityRefSerializer()
    scanned_at = serializers.DateTimeField()
    result = serializers.ChoiceField(choices=ScanResult.choices)


TYPED_FIELDS = ("national_id", "social_insurance_number")


class VerifyInputSerializer(serializers.Serializer):
    """Exactly one of ``qr`` (scanned text) or a typed number (``national_id`` or
    ``social_insurance_number``, with ``date_of_birth``)."""

    qr = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=settings.HEALTHCARD_VERIFY_MAX_LENGTH,
        help_text="The scanned text: a signed QR token, a paper card's or an identity card's "
        "QR text.",
    )
    scanned_at = serializers.DateTimeField(
        required=False,
        help_text="When the desk scanned it, for a scan queued while the desk was offline. "
        "It counts where the signed token was alive then (expiry judged at that time, scan "
        "logged at it); otherwise the scan is logged now. At most "
        "HEALTHCARD_VERIFY_QUEUED_MAX_AGE seconds old, and not in the future.",
    )

    def validate_scanned_at(self, value: datetime) -> datetime:
        now = timezone.now()
        if value > now + timedelta(seconds=QUEUED_CLOCK_SKEW_SECONDS):
            raise serializers.ValidationError(
                gettext("The scan time is in the future."), code="scanned_at_future"
            )
        if value < now - timedelta(seconds=settings.HEALTHCARD_VERIFY_QUEUED_MAX_AGE):
            raise serializers.ValidationError(
                gettext("The scan is too old to be logged."), code="scanned_at_too_old"
            )
        return min(value, now)

    national_id = StrictCharField(
        required=False, max_length=32, help_text="Typed lookup: the 12-digit national ID."
    )
    social_insurance_number = StrictCharField(
        required=False,
        max_length=32,
        help_text="Typed lookup: the 10-digit social insurance number (or the national ID).",
    )
    date_of_birth = serializers.DateField(
        required=False, help_text="Typed lookup: YYYY-MM-DD, required with a typed number."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("qr", *TYPED_FIELDS) if name in attrs]
        if len(given) != 1:
            raise serializers.ValidationError(
                gettext("Send either qr, or national_id or social_insurance_number with "
                        "date_of_birth.")
            )  # fmt: skip
        if given[0] in TYPED_FIELDS and "date_of_birth" not in attrs:
            raise serializers.ValidationError(
                {"date_of_birth": gettext("A typed number needs the date of birth.")}
            )
        return attrs


class VerifiedCardSerializer(serializers.Serializer):
    card_number = CardNumberField()
    full_name = serializers.CharField(source="insuree.full_name")
    date_of_birth = serializers.DateField(source="insuree.date_of_birth")
    gender = serializers.ChoiceField(choices=GENDERS, source="insuree.gender")
    benefit_level = serializers.IntegerField()
    coverage_percent = serializers.IntegerField()
    registered_facility = FacilityRefSerializer()
    at_registered_facility = serializers.SerializerMethodField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    five_year_date = serializers.DateField(allow_null=True)
    status = serializers.SerializerMethodField()

    def get_at_registered_facility(self, card: HealthCard) -> bool:
        return bool(card.registered_facility_id == self.context["facility"].pk)

    @extend_schema_field(serializers.ChoiceField(choices=CardStatus.choices))
    def get_status(self, card: HealthCard) -> str:
        return str(card.effective_status(self.context["today"]))


class VerifyOutputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=ScanResult.choices)
    # The metaclass moves declared fields out of the class, so "source" (also an attribute of
    # Field, hence mypy's complaint) is the field of that name.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=ScanSource.choices,
        allow_null=True,
        help_text="What was verified; null only for a text of no known layout (malformed).",
    )
    scan_id = serializers.UUIDField(allow_null=True)
    card = VerifiedCardSerializer(allow_null=True)


class NotMeInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class CardCaseOutputSerializer(serializers.Serializer):
    case_id = serializers.UUIDField(source="id")
    card_id = serializers.UUIDField()
    card_status = serializers.ChoiceField(choices=CardStatus.choices, source="card.status")
    status = serializers.ChoiceField(choices=CardCaseStatus.choices)


class ReinstateInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, validators=[validate_support_reason])


class CaseCloseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReinstateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    card_number = CardNumberField()
    status = serializers.ChoiceField(choices=CardStatus.choices)


class OperatorRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class FacilityScanOutputSerializer(serializers.Serializer):
    """One scan at the operator's facility. After a ``mismatch`` the verify answer hid the
    record, so the list hides the card number and name too."""

    id = serializers.UUIDField()
    scanned_at = serializers.DateTimeField()
    operator = OperatorRefSerializer()
    source = serializers.ChoiceField(choices=ScanSource.choices)  # type: ignore[assignment]
    result = serializers.ChoiceField(choices=ScanResult.choices)
    card_number = serializers.SerializerMethodField()
    holder_name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_card_number(self, scan: Any) -> str | None:
        return None if scan.result == ScanResult.MISMATCH else scan.card.card_number

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_holder_name(self, scan: Any) -> str | None:
        return None if scan.result == ScanResult.MISMATCH else scan.card.insuree.full_name


class CaseScanSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    facility = FacilityRefSerializer()
    scanned_at = serializers.DateTimeField()
    result = serializers.ChoiceField(choices=ScanResult.choices)
    source = serializers.ChoiceField(choices=ScanSource.choices)  # type: ignore[assignment]


class SupportCaseOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=CardCaseKind.choices)
    status = serializers.ChoiceField(choices=CardCaseStatus.choices)
    opened_at = serializers.DateTimeField(source="created_at")
    comment = serializers.CharField()
    card_id = serializers.UUIDField()
    card_number = CardNumberField(source="card.card_number")
    card_status = serializers.ChoiceField(choices=CardStatus.choices, source="card.status")
    holder_name = serializers.CharField(source="card.insuree.full_name")
    scan = CaseScanSerializer(allow_null=True)
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class ReactivateVerifyInputSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField()
    otp = serializers.RegexField(r"^[0-9]{6}$", help_text="The 6-digit code sent by SMS.")


class ReactivateStartOutputSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField()
    phone_hint = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds until the code expires.")


class ReactivatedOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    card_number = CardNumberField()
    status = serializers.ChoiceField(choices=CardStatus.choices)
