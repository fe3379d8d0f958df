"""Facilities, health-insurance cards, the signed QR credential, and the scan log."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from healthcards.beneficiaries import card_number_problems, coverage_percent

FACILITY_CODE_RE = re.compile(r"^[0-9]{2}[0-9A-Z]{3}$")


def validate_facility_code(value: str) -> None:
    """Five characters: two-digit province, then three usually digits (``01001``, ``01C54``)."""
    if not FACILITY_CODE_RE.match(value or ""):
        raise ValidationError(
            _("A facility code is 2 digits then 3 digits or capital letters."),
            code="invalid_facility_code",
        )


class FacilityLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Facility(models.Model):
    """A clinic or hospital that receives insured patients (cơ sở KCB)."""

    code = models.CharField(max_length=5, unique=True, validators=[validate_facility_code])
    name = models.CharField(max_length=255)
    province_code = models.CharField(max_length=2)
    level = models.CharField(max_length=12, choices=FacilityLevel.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_code(self) -> str:
        """As printed on cards: ``01 - 001``."""
        return f"{self.code[:2]} - {self.code[2:]}"


class ClinicOperator(models.Model):
    """A clinic user acts for exactly one facility."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_operator"
    )
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="operators")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["facility__code", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.facility.code}"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


def validate_card_number(value: str) -> None:
    problems = card_number_problems(value)
    if problems:
        raise ValidationError(problems[0], code="invalid_card_number")


class HealthCard(models.Model):
    """A health-insurance card (thẻ BHYT). The number encodes group, benefit level, province
    and the holder's social insurance number; ``clean`` checks they agree with the fields."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    insuree = models.ForeignKey(
        "accounts.Insuree", on_delete=models.PROTECT, related_name="health_cards"
    )
    card_number = models.CharField(max_length=15, unique=True, validators=[validate_card_number])
    beneficiary_group = models.CharField(max_length=2)
    benefit_level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    province_code = models.CharField(max_length=2)
    registered_facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="registered_cards"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    five_year_date = models.DateField(null=True, blank=True)
    issued_on = models.DateField()
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE)
    suspended_reason = models.CharField(max_length=255, blank=True)
    # Signed QRs carry it (claim "qg"); "not me" raises it, so every QR issued before answers
    # revoked, even once the card is active again.
    qr_generation = models.PositiveIntegerField(default=0)
    # Set by "not me": the paper card's unsigned text no longer verifies for this card.
    paper_qr_revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["insuree_id", "-issued_on"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(benefit_level__gte=1, benefit_level__lte=5),
                name="healthcard_benefit_level_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.card_number

    def clean(self) -> None:
        sin = self.insuree.social_insurance_number if self.insuree_id else None
        problems = card_number_problems(self.card_number, sin=sin, group=self.beneficiary_group)
        number = self.card_number or ""
        if len(number) == 15:
            if number[2] != str(self.benefit_level):
                problems.append(
                    str(_("The card number's benefit digit differs from the benefit level."))
                )
            if number[3:5] != self.province_code:
                problems.append(
                    str(_("The card number's province differs from the card's province."))
                )
        if problems:
            raise ValidationError({"card_number": problems})

    @property
    def coverage_percent(self) -> int:
        return coverage_percent(self.benefit_level)

    def effective_status(self, today: date) -> str:
        """The stored status, or ``expired`` once the validity has ended."""
        if self.status == CardStatus.ACTIVE and self.valid_to is not None and self.valid_to < today:
            return CardStatus.EXPIRED
        return self.status


class ScanResult(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    UNKNOWN_CARD = "unknown_card", _("Unknown card")
    BAD_SIGNATURE = "bad_signature", _("Bad signature")
    MALFORMED = "malformed", _("Malformed")
    MISMATCH = "mismatch", _("Name or date of birth differ")


class ScanSource(models.TextChoices):
    SIGNED_QR = "signed_qr", _("Signed QR")
    PAPER_CARD = "paper_card", _("Paper card QR")
    ID_CARD = "id_card", _("Identity card QR")
    TYPED = "typed", _("Typed number")


class ScanEvent(models.Model):
    """One verification of an identifiable card at a clinic. ``insuree_id`` is the card
    holder's, carried so the table can be partitioned or distributed by it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by (card, -scanned_at) below, which also serves lookups by card alone.
    card = models.ForeignKey(
        HealthCard, on_delete=models.CASCADE, related_name="scans", db_index=False
    )
    insuree_id = models.BigIntegerField(db_index=True)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="scans")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scanned_at = models.DateTimeField(default=timezone.now)
    result = models.CharField(max_length=16, choices=ScanResult.choices)
    source = models.CharField(max_length=12, choices=ScanSource.choices)
    # When the holder was told (batched by a beat task in production); null until then.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-scanned_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["card", "-scanned_at"], name="scanevent_card_time_idx"),
            models.Index(fields=["facility", "-scanned_at"], name="scanevent_facility_time_idx"),
            models.Index(
                fields=["scanned_at"],
                name="scanevent_unnotified_idx",
                condition=models.Q(notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.scanned_at:%Y-%m-%d %H:%M} {self.result}"


class HealthCardSigningKey(models.Model):
    """The public half of an Ed25519 key that signs QR tokens. Private keys never sit in the
    database nor the repository (see ``healthcards.keys``). ``kid`` is the RFC 7638
    thumbprint of the public key."""

    kid = models.CharField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64, help_text=_("Raw 32 bytes, base64url."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    activated_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    compromised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-activated_at", "-id"]

    def __str__(self) -> str:
        return self.kid


class CardCaseKind(models.TextChoices):
    NOT_ME = "not_me", _("Scan reported as not the holder's")


class CardCaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class CardCase(models.Model):
    """A support case about a card, opened by its holder (e.g. "this scan was not me")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    card = models.ForeignKey(HealthCard, on_delete=models.CASCADE, related_name="cases")
    insuree_id = models.BigIntegerField(db_index=True)
    scan = models.ForeignKey(
        ScanEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    kind = models.CharField(max_length=12, choices=CardCaseKind.choices)
    status = models.CharField(
        max_length=10, choices=CardCaseStatus.choices, default=CardCaseStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["scan"], name="cardcase_one_per_scan"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "created_at"], name="cardcase_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.card_id} {self.status}"
