from django.contrib import admin

from healthcards.models import ClinicOperator, Facility


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province_code", "level", "active")
    list_filter = ("level", "active")
    search_fields = ("=code", "name")


@admin.register(ClinicOperator)
class ClinicOperatorAdmin(admin.ModelAdmin):
    list_display = ("user", "facility")
    raw_id_fields = ("user", "facility")
