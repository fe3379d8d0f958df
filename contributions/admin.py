from django.contrib import admin

from contributions.models import (
    BenefitPayment,
    ContributionRate,
    ContributionRecord,
    Declaration,
    Employer,
    ImportJob,
    ReferenceAmount,
    Statement,
)


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "province_code",
        "salary_regime",
        "minimum_wage_region",
        "reduced_accident_rate_from",
        "reduced_accident_rate_to",
    )
    list_filter = ("salary_regime", "minimum_wage_region")
    search_fields = ("=code", "name")


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    list_display = ("scheme", "component", "payer", "rate_bp", "effective_from", "effective_to")
    list_filter = ("scheme", "payer")


@admin.register(ReferenceAmount)
class ReferenceAmountAdmin(admin.ModelAdmin):
    list_display = ("kind", "amount", "effective_from")
    list_filter = ("kind",)


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "file_name",
        "status",
        "rows_total",
        "rows_written",
        "rows_updated",
        "created_at",
    )
    readonly_fields = [f.name for f in Declaration._meta.fields]


@admin.register(ContributionRecord)
class ContributionRecordAdmin(admin.ModelAdmin):
    list_display = ("insuree", "month", "scheme", "employer", "salary_base", "status")
    list_filter = ("scheme", "status")
    raw_id_fields = ("insuree", "employer", "declaration")
    # search by exact insuree id only: the table is big and partitioned by insuree
    search_fields = ("=insuree__id",)
    show_full_result_count = False


@admin.register(BenefitPayment)
class BenefitPaymentAdmin(admin.ModelAdmin):
    list_display = ("insuree", "kind", "amount", "paid_on", "method", "decision_number", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("insuree",)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "file_name", "status", "declaration", "created_at", "finished_at")
    list_filter = ("status",)
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """Read only: statements are issued and revoked through the API."""

    list_display = ("code", "insuree", "month_from", "month_to", "status", "issued_at")
    list_filter = ("status", "file_format", "language")
    search_fields = ("=code",)
    readonly_fields = [f.name for f in Statement._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
