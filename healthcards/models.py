"""Facilities, health-insurance cards, the signed QR credential, and the scan log."""

from __future__ import annotations

import re
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
