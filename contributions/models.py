"""Employers, monthly contribution records and benefit payments."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Employer(models.Model):
    """An employing unit as registered with the agency (mã đơn vị)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=255)
    province_code = models.CharField(max_length=2)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
