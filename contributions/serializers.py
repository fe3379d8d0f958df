"""Shapes of the contributions API. The history's own (its rows and its query) live with the
rest of the history in ``contributions.history``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import AsciiDateField, AsciiIntegerField
from contributions.history import MONTH_HELP, InsureeQuerySerializer, MonthField
from contributions.models import (
    BenefitKind,
    BenefitStatus,
    DeclarationStatus,
    ImportJobStatus,
    PaymentMethod,
    Scheme,
    StatementCheck,
    StatementState,
)
from contributions.months import month_format
from contributions.statements.codes import code_display


class GapSerializer(serializers.Serializer):
    from_ = MonthField(help_text=MONTH_HELP)
    to = MonthField(help_text=MONTH_HELP)
    months = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


class SchemeSummarySerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    months_contributed = serializers.IntegerField()
    first_month = MonthField(allow_null=True, help_text=MONTH_HELP)
    last_month = MonthField(allow_null=True, help_text=MONTH_HELP)
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
    format = serializers.ChoiceField(
        choices=["pdf", "csv"],
        required=False,
        help_text="pdf or csv. Without it, `Accept` chooses (`application/pdf`, `text/csv`); "
        "without either: pdf. A format that `Accept` excludes is 406.",
    )
    from_ = MonthField(required=False, help_text=MONTH_HELP)
    to = MonthField(required=False, help_text=MONTH_HELP)
    lang = serializers.ChoiceField(
        choices=["vi", "en"], required=False, help_text="default: from Accept-Language"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


class BenefitListQuerySerializer(InsureeQuerySerializer):
    kind = serializers.ChoiceField(choices=BenefitKind.choices, required=False)


class BenefitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=BenefitKind.choices)
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    amount = serializers.IntegerField()
    paid_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    decision_number = serializers.CharField()
    status = serializers.ChoiceField(choices=BenefitStatus.choices)


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
    status = serializers.ChoiceField(choices=DeclarationStatus.choices)
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    rows_total = serializers.IntegerField()
    rows_valid = serializers.IntegerField()
    rows_written = serializers.IntegerField()
    rows_updated = serializers.IntegerField(
        help_text="months on record whose status this file changed (owed -> paid, a reversed "
        "month declared again, a paid month reversed), each audited"
    )
    rows_existing = serializers.IntegerField(
        help_text="valid rows already on record with the same status (or a paid month "
        "declared owed), kept as they were"
    )
    errors_ = RowErrorSerializer(many=True)
    created_at = serializers.DateTimeField()
    replayed = serializers.BooleanField(
        read_only=True, help_text="true when this file or key was imported before"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {name if name != "errors_" else "errors": field for name, field in fields.items()}


class PensionQuerySerializer(serializers.Serializer):
    retirement_date = AsciiDateField(
        required=False, help_text="try another date; default: the legal retirement age"
    )
    future_salary = AsciiIntegerField(
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
    years_for_rate = serializers.FloatField(
        help_text="years as the rate counts them: 1-6 leftover months are half a year, 7-11 a "
        "whole year (art. 5(6))"
    )
    minimum_years = serializers.IntegerField()
    minimum_met = serializers.BooleanField()
    rate_today_percent = serializers.FloatField()
    average_salary_today = serializers.IntegerField()
    monthly_pension_today = serializers.IntegerField()
    average_salary_window_years = serializers.IntegerField(
        allow_null=True, help_text="null: the whole period is averaged"
    )
    legal_retirement_date = serializers.DateField(
        help_text="the last day of the month the legal age is reached"
    )
    retirement_date = serializers.DateField(
        help_text="the last day of the month of retirement (Decree 135/2020 art. 3)"
    )
    first_pension_month = serializers.DateField(
        help_text="the first day of the first month the pension is paid"
    )
    months_early = serializers.IntegerField()
    future_monthly_salary = serializers.IntegerField(
        help_text="the salary projected from now on, capped at 20 base salaries"
    )
    future_salary_capped = serializers.BooleanField()
    projected_contribution_months = serializers.IntegerField()
    projected_years = serializers.IntegerField()
    projected_years_for_rate = serializers.FloatField()
    projected_minimum_met = serializers.BooleanField()
    projected_rate_percent = serializers.FloatField()
    average_salary = serializers.IntegerField(help_text="average salary basis used")
    average_salary_method = serializers.ChoiceField(
        choices=["whole_period", "last_years", "mixed"],
        allow_null=True,
        help_text="art. 72: whole_period (salaries decided by the employer), last_years "
        "(the State's salary scale), mixed (both)",
    )
    projected_average_salary_window_years = serializers.IntegerField(allow_null=True)
    revaluation = serializers.JSONField(
        allow_null=True,
        help_text="the art. 73 coefficient table applied, with its source; null: past "
        "salaries are not revalued (see revaluation_note)",
    )
    revaluation_note = serializers.CharField()
    estimated_monthly_pension = serializers.IntegerField()
    one_time_allowance = serializers.IntegerField(
        help_text="VND, paid once at retirement: half the average salary per year above 35 "
        "(men) or 30 (women) (art. 68)"
    )


class ImportJobErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors_ = RowErrorSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {name if name != "errors_" else "errors": f for name, f in fields.items()}


class ImportJobOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ImportJobStatus.choices)
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


class ParticipationTimeSerializer(serializers.Serializer):
    total_months = serializers.IntegerField()
    years = serializers.IntegerField()
    months = serializers.IntegerField()


class StatementSchemeTotalSerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    months_contributed = serializers.IntegerField(help_text="distinct months with a paid record")
    participation_time = ParticipationTimeSerializer()
    employee_total = serializers.IntegerField()
    employer_total = serializers.IntegerField()
    state_total = serializers.IntegerField()
    months_owed = serializers.IntegerField()
    owed_total = serializers.IntegerField()


class StatementTotalsSerializer(serializers.Serializer):
    schemes = StatementSchemeTotalSerializer(many=True)
    social_insurance_time = ParticipationTimeSerializer()
    employee_total = serializers.IntegerField()
    employer_total = serializers.IntegerField()
    state_total = serializers.IntegerField()
    owed_total = serializers.IntegerField()


class StatementPeriodSerializer(serializers.Serializer):
    # "from" is a keyword: the fields are declared in ``get_fields``
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.CharField(allow_null=True, help_text=MONTH_HELP),
            "to": serializers.CharField(allow_null=True, help_text=MONTH_HELP),
        }


def statement_period(statement: Any) -> dict[str, str | None]:
    return {
        "from": month_format(statement.month_from) if statement.month_from else None,
        "to": month_format(statement.month_to) if statement.month_to else None,
    }


class StatementOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.SerializerMethodField(help_text="as printed: XXXX-XXXX-XXXX")
    period = serializers.SerializerMethodField()
    format = serializers.CharField(source="file_format")
    language = serializers.CharField()
    status = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    totals = StatementTotalsSerializer()

    @extend_schema_field(serializers.CharField())
    def get_code(self, statement: Any) -> str:
        return code_display(statement.code)

    @extend_schema_field(StatementPeriodSerializer())
    def get_period(self, statement: Any) -> dict[str, str | None]:
        return statement_period(statement)

    @extend_schema_field(serializers.ChoiceField(choices=StatementState.choices))
    def get_status(self, statement: Any) -> str:
        return str(statement.state_at(self.context["now"]))


class StatementHolderSerializer(serializers.Serializer):
    masked_name = serializers.CharField(help_text='initials, then the given name: "N. T. L. Hương"')


class StatementVerifyOutputSerializer(serializers.Serializer):
    """What anyone holding the code learns: nothing but the statement's own summary."""

    code = serializers.CharField()
    result = serializers.ChoiceField(
        choices=StatementCheck.choices,
        help_text="valid: genuine and in force; unknown: no statement has this code",
    )
    genuine = serializers.BooleanField(help_text="the agency issued a statement with this code")
    holder = StatementHolderSerializer(required=False)
    period = StatementPeriodSerializer(required=False)
    totals = StatementTotalsSerializer(required=False)
    issued_at = serializers.DateTimeField(required=False)
    expires_at = serializers.DateTimeField(required=False)
    revoked_at = serializers.DateTimeField(required=False, allow_null=True)
