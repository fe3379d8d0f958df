"""Support actions in the admin: each asks for a reason in an intermediate form and calls
the same service as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import normalize_phone
from accounts.models import PhoneChangeRequest, User
from accounts.services.support import (
    account_reset_by_support,
    account_sessions_revoke_by_support,
    account_unlock_by_support,
    phone_change_approve,
    phone_change_cancel,
    phone_change_request,
)
from api.exceptions import ApplicationError
from api.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEMPLATE = "admin/accounts/action_with_reason.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea)


class PhoneChangeForm(ReasonForm):
    new_phone = forms.CharField(label=_("New phone"), max_length=20)
    document_reference = forms.CharField(label=_("Identity document checked"), max_length=100)

    def clean_new_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["new_phone"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


Apply = Callable[[HttpRequest, Any, dict[str, Any]], object]


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the admin site only lets staff in
        raise PermissionError("Admin actions need a signed-in staff member.")
    return user


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def reason_action(
    *,
    name: str,
    title: StrOrPromise,
    apply: Apply,
    form_class: type[ReasonForm] = ReasonForm,
    single: bool = False,
) -> Any:
    """An admin action that first shows a form asking for the reason (and more), then
    applies the service to each selected object and reports what failed."""

    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
        if single and queryset.count() != 1:
            model_admin.message_user(request, _("Select exactly one account."), messages.ERROR)
            return None
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            failures = []
            for obj in queryset:
                try:
                    apply(request, obj, form.cleaned_data)
                except ApplicationError as error:
                    failures.append(f"{obj}: {error.detail}")
            done = queryset.count() - len(failures)
            model_admin.message_user(
                request, _("%(title)s: %(n)d done.") % {"title": title, "n": done}
            )
            for failure in failures:
                model_admin.message_user(request, failure, messages.ERROR)
            return None
        context = {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": list(queryset),
            "action": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": model_admin.model._meta,
        }
        return TemplateResponse(request, TEMPLATE, context)

    action.__name__ = name
    # Lazy: the label is translated per request (Accept-Language), not once at import.
    return admin.action(description=format_lazy("{}…", title))(action)


def _citizen(user: User) -> User:
    if user.role != Role.CITIZEN:
        raise ApplicationError(code="not_a_citizen", detail=str(_("Not a citizen's account.")))
    return user


unlock_action = reason_action(
    name="unlock_accounts",
    title=_("Unlock"),
    apply=lambda request, user, data: account_unlock_by_support(
        acting_user=_staff(request), user=_citizen(user), reason=data["reason"], ip=_ip(request)
    ),
)
reset_action = reason_action(
    name="reset_accounts",
    title=_("Reset (end sessions, send a reset code by SMS)"),
    apply=lambda request, user, data: account_reset_by_support(
        acting_user=_staff(request), user=_citizen(user), reason=data["reason"], ip=_ip(request)
    ),
)
revoke_action = reason_action(
    name="revoke_sessions",
    title=_("Sign out of every device"),
    apply=lambda request, user, data: account_sessions_revoke_by_support(
        acting_user=_staff(request), user=_citizen(user), reason=data["reason"], ip=_ip(request)
    ),
)
phone_change_action = reason_action(
    name="request_phone_change",
    title=_("Request a phone change"),
    form_class=PhoneChangeForm,
    single=True,
    apply=lambda request, user, data: phone_change_request(
        acting_user=_staff(request),
        user=_citizen(user),
        new_phone=data["new_phone"],
        document_reference=data["document_reference"],
        reason=data["reason"],
        ip=_ip(request),
    ),
)
approve_action = reason_action(
    name="approve_phone_changes",
    title=_("Approve (cooling-off starts)"),
    apply=lambda request, change, data: phone_change_approve(
        acting_user=_staff(request), change=change, reason=data["reason"], ip=_ip(request)
    ),
)
cancel_action = reason_action(
    name="cancel_phone_changes",
    title=_("Cancel"),
    apply=lambda request, change, data: phone_change_cancel(
        acting_user=_staff(request), change=change, reason=data["reason"], ip=_ip(request)
    ),
)

__all__ = [
    "PhoneChangeRequest",
    "approve_action",
    "cancel_action",
    "phone_change_action",
    "reset_action",
    "revoke_action",
    "unlock_action",
]
