"""Shapes of the contributions API. The history's own (its rows and its query) live with the
rest of the history in ``contributions.history``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from contributions.history import MONTH_HELP, InsureeQuerySerializer, MonthField
from contributions.models import BenefitKind, Scheme


class GapSerializer(serializers.Serializer):
    from_ = serializers.CharField(help_text=MONTH_HELP)
    to = serializers.CharField(help_text=MONTH_HELP)
    months = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


class SchemeSummarySerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    months_contributed = serializers.IntegerField()
    first_month = serializers.CharField(allow_null=True, help_text=MONTH_HELP)
    last_month = serializers.CharField(allow_null=True, help_text=MONTH_HELP)
    employee_total = serializers.IntegerField()
    employer_total = serializers.IntegerField()
    state_total = serializers.IntegerField()
    months_owed = serializers.IntegerField()
    owed_total = serializers.IntegerField()
    gaps = GapSerializer(many=True)


class ContributionTimeSerializer(serializers.Serializer):
    total_months = serializers.IntegerField()
    years = serializers.IntegerField()
    months = serializers.IntegerField()


class ContributionSummaryOutputSerializer(serializers.Serializer):
    schemes = SchemeSummarySerializer(many=True)
    social_insurance_time = ContributionTimeSerializer()
    employee_total = serializers.IntegerField()
    employer_total = serializers.IntegerField()
    state_total = serializers.IntegerField()


class StatementQuerySerializer(InsureeQuerySerializer):
    format = serializers.ChoiceField(choices=["pdf", "csv"], default="pdf")
    from_ = MonthField(required=False, help_text=MONTH_HELP)
    to = MonthField(required=False, help_text=MONTH_HELP)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


class BenefitListQuerySerializer(InsureeQuerySerializer):
    kind = serializers.ChoiceField(choices=BenefitKind.choices, required=False)


class BenefitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    amount = serializers.IntegerField()
    paid_on = serializers.DateField()
    method = serializers.CharField()
    decision_number = serializers.CharField()
    status = serializers.CharField()


class ImportQuerySerializer(serializers.Serializer):
    # ``partial`` is a Serializer attribute and ``async`` a keyword: renamed in get_fields
    partial_ = serializers.BooleanField(
        default=False, help_text="write the valid rows and report the others"
    )
    async_ = serializers.BooleanField(
        default=False, help_text="hand the file to a worker; answer 202 with the job to poll"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"partial": fields.pop("partial_"), "async": fields.pop("async_"), **fields}


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="line in the file; the header is row 1")
    field = serializers.CharField()
    code = serializers.CharField()
    detail = serializers.CharField()


class DeclarationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    rows_total = serializers.IntegerField()
    rows_valid = serializers.IntegerField()
    rows_written = serializers.IntegerField()
    rows_existing = serializers.IntegerField(help_text="valid rows already on record, skipped")
    errors_ = RowErrorSerializer(many=True)
    created_at = serializers.DateTimeField()
    replayed = serializers.BooleanField(
        read_only=True, help_text="true when this file or key was imported before"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {name if name != "errors_" else "errors": field for name, field in fields.items()}


class PensionQuerySerializer(serializers.Serializer):
    retirement_date = serializers.DateField(
        required=False, help_text="try another date; default: the legal retirement age"
    )
    future_salary = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=10_000_000_000,
        help_text="monthly salary from now on; default: the last one on record",
    )


class PensionEstimateOutputSerializer(serializers.Serializer):
    rule_set = serializers.CharField()
    is_estimate = serializers.BooleanField()
    disclaimer = serializers.CharField()
    contribution_months = serializers.IntegerField()
    years_counted = serializers.IntegerField(help_text="whole years of social insurance")
    minimum_years = serializers.IntegerField()
    minimum_met = serializers.BooleanField()
    rate_today_percent = serializers.IntegerField()
    average_salary_today = serializers.IntegerField()
    monthly_pension_today = serializers.IntegerField()
    average_salary_window_years = serializers.IntegerField(
        allow_null=True, help_text="null: the whole period is averaged"
    )
    legal_retirement_date = serializers.DateField()
    retirement_date = serializers.DateField()
    months_early = serializers.IntegerField()
    future_monthly_salary = serializers.IntegerField()
    projected_contribution_months = serializers.IntegerField()
    projected_years = serializers.IntegerField()
    projected_minimum_met = serializers.BooleanField()
    projected_rate_percent = serializers.IntegerField()
    average_salary = serializers.IntegerField(help_text="average salary basis used")
    projected_average_salary_window_years = serializers.IntegerField(allow_null=True)
    estimated_monthly_pension = serializers.IntegerField()


class ImportJobErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors_ = RowErrorSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {name if name != "errors_" else "errors": f for name, f in fields.items()}


class ImportJobOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField(help_text="queued, running, done or failed")
    file_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    replayed = serializers.BooleanField()
    declaration = DeclarationOutputSerializer(allow_null=True, help_text="when done")
    error = ImportJobErrorSerializer(allow_null=True, help_text="when failed")


def import_job_body(job: Any) -> dict[str, Any]:
    """The job as ``ImportJobOutputSerializer`` shows it (an empty error is null)."""
    return ImportJobOutputSerializer(
        {
            "id": job.pk,
            "status": job.status,
            "file_name": job.file_name,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "replayed": job.replayed,
            "declaration": job.declaration,
            "error": job.error or None,
        }
    ).data
