from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from accounts.admin_actions import (
    approve_action,
    cancel_action,
    phone_change_action,
    reset_action,
    revoke_action,
    unlock_action,
)
from accounts.models import (
    AuditEvent,
    Household,
    Insuree,
    PhoneChangeRequest,
    Province,
    Session,
    User,
)
from accounts.services.users import user_access_changed
from accounts.views.client import client_ip


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("code", "province", "address")
    search_fields = ("code",)
    list_select_related = ("province",)


@admin.register(Insuree)
class InsureeAdmin(admin.ModelAdmin):
    list_display = ("social_insurance_number", "full_name", "date_of_birth", "province")
    search_fields = ("=social_insurance_number", "=national_id", "=phone")
    list_select_related = ("province",)
    raw_id_fields = ("household",)
    readonly_fields = ("public_id", "created_at", "updated_at")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "full_name", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("=username", "=insuree__national_id", "=insuree__phone")
    ordering = ("username",)
    raw_id_fields = ("insuree",)
    readonly_fields = ("last_login", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Identity", {"fields": ("role", "full_name", "insuree")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),
    )
    actions = [unlock_action, reset_action, revoke_action, phone_change_action]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A new role, a deactivation or a new password ends the sessions carrying old claims.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                user_access_changed(
                    user=obj,
                    changed=list(form.changed_data),
                    acting_user=request.user,  # type: ignore[arg-type]
                    ip=client_ip(request),  # type: ignore[arg-type]
                )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None:
                user_access_changed(
                    user=user,
                    changed=["password"],
                    acting_user=request.user,  # type: ignore[arg-type]
                    ip=client_ip(request),  # type: ignore[arg-type]
                )
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit log, not even a superuser."""

    list_display = ("occurred_at", "action", "actor", "target_user", "reason", "ip")
    list_filter = ("action",)
    search_fields = ("=target_user__username", "=actor__username")
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(_ReadOnlyAdmin):
    list_display = ("user", "device_name", "ip", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("=user__username",)


@admin.register(PhoneChangeRequest)
class PhoneChangeRequestAdmin(_ReadOnlyAdmin):
    """Changes are requested from the account's actions, approved or cancelled here."""

    list_display = ("user", "status", "requested_by", "approved_by", "created_at", "effective_at")
    list_select_related = ("user", "requested_by", "approved_by")
    actions = [approve_action, cancel_action]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed to run actions from the list; every field stays read-only.
        return bool(request.user.is_staff) and obj is None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in PhoneChangeRequest._meta.fields]
