from django.contrib import admin
from django.http import HttpRequest

from healthcards.models import (
    CardCase,
    ClinicOperator,
    Facility,
    HealthCard,
    HealthCardSigningKey,
    ScanEvent,
)


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province_code", "level", "active")
    list_filter = ("level", "active")
    search_fields = ("=code", "name")


@admin.register(ClinicOperator)
class ClinicOperatorAdmin(admin.ModelAdmin):
    list_display = ("user", "facility")
    raw_id_fields = ("user", "facility")


@admin.register(HealthCard)
class HealthCardAdmin(admin.ModelAdmin):
    list_display = ("card_number", "insuree", "benefit_level", "registered_facility", "status")
    list_filter = ("status", "beneficiary_group", "benefit_level")
    search_fields = ("=card_number", "=insuree__social_insurance_number")
    raw_id_fields = ("insuree", "registered_facility")


@admin.register(ScanEvent)
class ScanEventAdmin(admin.ModelAdmin):
    list_display = ("card", "facility", "operator", "scanned_at", "result", "source")
    list_filter = ("result", "source")
    raw_id_fields = ("card", "facility", "operator")
    date_hierarchy = "scanned_at"


@admin.register(HealthCardSigningKey)
class HealthCardSigningKeyAdmin(admin.ModelAdmin):
    """Read-only: keys change through ``manage.py rotate_healthcard_key`` only."""

    list_display = ("kid", "activated_at", "retired_at", "compromised_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CardCase)
class CardCaseAdmin(admin.ModelAdmin):
    list_display = ("card", "kind", "status", "created_at", "resolved_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("card", "scan", "opened_by", "resolved_by")
