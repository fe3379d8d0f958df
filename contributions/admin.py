from django.contrib import admin

from contributions.models import Employer


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province_code")
    search_fields = ("=code", "name")
