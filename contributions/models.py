"""Employers, effective-dated rates, declarations (imports), monthly contribution records and
benefit payments. Money is integer VND. ``month`` is a date on the first day of the month."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SalaryRegime(models.TextChoices):
    """Who sets the salary on which social insurance is paid (Law 41/2024 art. 72): the
    State's salary scale (public bodies) or the employer (enterprises, most citizens)."""

    STATE = "state", _("Salary scale set by the State")
    EMPLOYER = "employer", _("Salary decided by the employer")


class MinimumWageRegion(models.IntegerChoices):
    REGION_1 = 1, _("Region I")
    REGION_2 = 2, _("Region II")
    REGION_3 = 3, _("Region III")
    REGION_4 = 4, _("Region IV")


class Employer(models.Model):
    """An employing unit as registered with the agency (mã đơn vị).

    ``salary_regime`` decides how a pension averages its salaries and which cap applies to
    unemployment insurance; ``minimum_wage_region`` gives that cap (20 times the regional
    minimum wage). ``reduced_accident_rate_from``/``_to`` (exclusive) is the period in which
    the employer qualifies for the 0.3% occupational accident rate instead of 0.5%.
    """

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=255)
    province_code = models.CharField(max_length=2)
    salary_regime = models.CharField(
        max_length=10, choices=SalaryRegime.choices, default=SalaryRegime.EMPLOYER
    )
    minimum_wage_region = models.PositiveSmallIntegerField(
        choices=MinimumWageRegion.choices, default=MinimumWageRegion.REGION_1
    )
    reduced_accident_rate_from = models.DateField(null=True, blank=True)
    reduced_accident_rate_to = models.DateField(
        null=True, blank=True, help_text=_("exclusive; empty: still qualifies")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["code"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(reduced_accident_rate_to__isnull=True)
                | Q(reduced_accident_rate_from__isnull=False),
                name="employer_reduced_rate_has_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Scheme(models.TextChoices):
    COMPULSORY_SI = "compulsory_si", _("Compulsory social insurance")
    VOLUNTARY_SI = "voluntary_si", _("Voluntary social insurance")
    UNEMPLOYMENT = "unemployment", _("Unemployment insurance")
    HEALTH = "health", _("Health insurance")


class Payer(models.TextChoices):
    EMPLOYEE = "employee", _("Employee or self")
    EMPLOYER = "employer", _("Employer")
    STATE = "state", _("State")


class ContributionRate(models.Model):
    """One component of one scheme's rate for one payer, in force from ``effective_from``
    until the day before ``effective_to`` (open-ended when null). Rates are basis points
    (1/100 of a percent): 800 is 8%."""

    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    component = models.CharField(max_length=40)
    payer = models.CharField(max_length=10, choices=Payer.choices)
    rate_bp = models.PositiveIntegerField(help_text=_("basis points: 800 = 8%"))
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["scheme", "component", "payer", "effective_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["scheme", "component", "payer", "effective_from"],
                name="contribution_rate_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gt=models.F("effective_from")),
                name="contribution_rate_period_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}/{self.component}/{self.payer} {self.rate_bp}bp"


class ReferenceAmountKind(models.TextChoices):
    BASE_SALARY = "base_salary", _("Base salary (lương cơ sở)")
    RURAL_POVERTY_LINE = "rural_poverty_line", _("Rural poverty line")
    MIN_WAGE_REGION_1 = "min_wage_region_1", _("Regional minimum wage, region I")
    MIN_WAGE_REGION_2 = "min_wage_region_2", _("Regional minimum wage, region II")
    MIN_WAGE_REGION_3 = "min_wage_region_3", _("Regional minimum wage, region III")
    MIN_WAGE_REGION_4 = "min_wage_region_4", _("Regional minimum wage, region IV")


class ReferenceAmount(models.Model):
    """A legal amount in force from ``effective_from`` until the next row of the same kind:
    the base salary (caps, household health insurance) and the rural poverty line
    (voluntary social insurance floor and state support)."""

    kind = models.CharField(max_length=20, choices=ReferenceAmountKind.choices)
    amount = models.BigIntegerField()
    effective_from = models.DateField()

    class Meta:
        ordering: ClassVar = ["kind", "effective_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="reference_amount_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} from {self.effective_from}"


class DeclarationStatus(models.TextChoices):
    POSTED = "posted", _("Posted")
    PARTIAL = "partial", _("Posted in part")


class Declaration(models.Model):
    """One imported file of employer declarations. Only files that wrote something are kept;
    the file hash and the Idempotency-Key make a repeat import create nothing new."""

    file_sha256 = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    file_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=DeclarationStatus.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(
        default=0, help_text=_("months on record whose status this file changed")
    )
    rows_existing = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"declaration {self.pk} ({self.file_name or self.file_sha256[:12]})"


class RecordStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    OWED = "owed", _("Owed")
    REVERSED = "reversed", _("Reversed")


class ContributionRecord(models.Model):
    """One month, one scheme, one payer (employer, or the insuree themself when null).

    Every read filters by ``insuree_id``: it is the partitioning/distribution key.
    """

    id = models.BigAutoField(primary_key=True)
    # no index of its own: the composite indexes below start with insuree_id
    insuree = models.ForeignKey(
        "accounts.Insuree", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month = models.DateField(help_text=_("first day of the month"))
    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    salary_base = models.BigIntegerField()
    employee_amount = models.BigIntegerField(default=0)
    employer_amount = models.BigIntegerField(default=0)
    state_subsidy = models.BigIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.PAID
    )
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["insuree_id", "-month", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["insuree", "-month", "-id"], name="contrib_insuree_month"),
            models.Index(
                fields=["insuree", "scheme", "-month", "-id"], name="contrib_insuree_scheme_month"
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["insuree", "month", "scheme", "employer"],
                condition=Q(employer__isnull=False),
                name="contrib_unique_employer_month",
            ),
            models.UniqueConstraint(
                fields=["insuree", "month", "scheme"],
                condition=Q(employer__isnull=True),
                name="contrib_unique_self_paid_month",
            ),
            models.CheckConstraint(
                condition=Q(salary_base__gte=0)
                & Q(employee_amount__gte=0)
                & Q(employer_amount__gte=0)
                & Q(state_subsidy__gte=0),
                name="contrib_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insuree_id} {self.month:%Y-%m} {self.scheme}"


class BenefitKind(models.TextChoices):
    SICKNESS = "sickness", _("Sickness")
    MATERNITY = "maternity", _("Maternity")
    CONVALESCENCE = "convalescence", _("Convalescence and health rehabilitation")
    OCCUPATIONAL = "occupational", _("Occupational accident or disease")
    PENSION = "pension", _("Pension")
    SURVIVORSHIP = "survivorship", _("Survivorship")
    FUNERAL = "funeral", _("Funeral")
    LUMP_SUM = "lump_sum", _("One-time lump sum")
    UNEMPLOYMENT = "unemployment", _("Unemployment allowance")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank account")
    CASH = "cash", _("Cash")


class BenefitStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    PENDING = "pending", _("Pending")
    CANCELLED = "cancelled", _("Cancelled")


class BenefitPayment(models.Model):
    """A benefit paid to an insuree, from a decision of the agency."""

    id = models.BigAutoField(primary_key=True)
    # no index of its own: the composite indexes below start with insuree_id
    insuree = models.ForeignKey(
        "accounts.Insuree", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=16, choices=BenefitKind.choices)
    period_from = models.DateField()
    period_to = models.DateField()
    amount = models.BigIntegerField()
    paid_on = models.DateField()
    method = models.CharField(max_length=4, choices=PaymentMethod.choices)
    decision_number = models.CharField(max_length=50)
    status = models.CharField(
        max_length=10, choices=BenefitStatus.choices, default=BenefitStatus.PAID
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["insuree_id", "-paid_on", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["insuree", "-paid_on", "-id"], name="benefit_insuree_paid"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["insuree", "decision_number", "kind", "period_from"],
                name="benefit_unique_decision_period",
            ),
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="benefit_period_ordered"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="benefit_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.insuree_id} {self.kind} {self.amount} on {self.paid_on}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A declaration file handed to a worker (``?async=true``). The file is kept until the
    worker has run the import, then dropped; the outcome is the declaration or the error."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        max_length=8, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    content = models.BinaryField(editable=False)
    file_name = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    partial = models.BooleanField(default=False)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replayed = models.BooleanField(default=False)
    error = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)  # when a worker claimed it
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"import job {self.pk} ({self.status})"


class StatementStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class StatementState(models.TextChoices):
    """What a statement is now: its status, or expired once its signed QR has run out."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class StatementCheck(models.TextChoices):
    """The answer to a verification code."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    UNKNOWN = "unknown", _("Unknown")


class Statement(models.Model):
    """The verification record of an issued statement (PDF or CSV): whose it is, the period,
    a digest of its rows and totals, and the short code printed on it. The document itself is
    not kept; the record is what a bank or a court checks the code and the QR against."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # no index of its own: the composite index below starts with insuree_id
    insuree = models.ForeignKey(
        "accounts.Insuree", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    code = models.CharField(max_length=12, unique=True, help_text=_("Crockford base32"))
    month_from = models.DateField(null=True, blank=True)
    month_to = models.DateField(null=True, blank=True)
    file_format = models.CharField(max_length=3)
    language = models.CharField(max_length=5)
    masked_name = models.CharField(max_length=150)
    totals = models.JSONField(default=dict)
    digest = models.CharField(max_length=64, help_text=_("SHA-256 of the rows and totals"))
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=StatementStatus.choices, default=StatementStatus.VALID
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["insuree_id", "-issued_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["insuree", "-issued_at", "-id"], name="statement_insuree_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.insuree_id} {self.code} {self.status}"

    def state_at(self, moment: datetime) -> str:
        """valid, revoked, or expired (the signed QR's validity has run out)."""
        if self.status == StatementStatus.REVOKED:
            return StatementState.REVOKED
        return StatementState.EXPIRED if self.expires_at <= moment else StatementState.VALID
