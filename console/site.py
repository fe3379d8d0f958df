"""The support console: a few server-rendered pages for support staff, on an admin site of
its own (``/support/``) so that it has the admin's login, TOTP second factor (with
``ADMIN_REQUIRE_2FA``, as in production), logout, look and translations, and none of the
model pages. Support staff (role support, not superusers) find a citizen's account by exact
phone, social insurance number or national ID, see its state and act with a reason; every
action is a call to the same service as the API, which writes the audit row.

It shows no password hash, masks phones, and shows a national ID in full only when it is the
one just searched for (kept in the staff member's session, never in a URL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm

from accounts.selectors import (
    access_account_for_support,
    access_phone_change_for_support,
    account_locked_for,
    audit_event_list_for_account,
    household_dependents,
    phone_change_list,
    phone_hint,
    session_list_for_user,
    support_account_search,
)
from accounts.services.support import (
    account_reset_by_support,
    account_sessions_revoke_by_support,
    account_unlock_by_support,
    phone_change_approve,
    phone_change_cancel,
    phone_change_request,
)
from api.client_ip import client_ip
from api.exceptions import ApplicationError
from api.roles import Role
from console.forms import PhoneChangeForm, ReasonForm, SearchForm
from healthcards.selectors import (
    access_card_case_for_support,
    card_case_list_for_insurees,
    card_case_queue,
    healthcard_get_for_support,
    healthcard_list_for_insurees,
)
from healthcards.services.cards import card_reinstate_by_support
from healthcards.services.cases import card_case_close_by_support, card_case_queue_viewed

SEARCHED = "console:searched"
EVENTS_SHOWN = 10
QUEUE_SHOWN = 100
SUPPORT_ROLES = frozenset({Role.SUPPORT, Role.ADMIN})


def national_id_shown(national_id: str | None, searched: str | None) -> str:
    """In full only when it is what the staff member searched for."""
    if not national_id:
        return ""
    if national_id == searched:
        return national_id
    return f"{national_id[:3]}{'*' * (len(national_id) - 5)}{national_id[-2:]}"


@dataclass(frozen=True)
class Action:
    """One action behind a reason form: what it is called, its form, what it does."""

    title: Any
    apply: Callable[[HttpRequest, Any, dict[str, Any]], str]
    form_class: type[Form] = ReasonForm


def _staff(request: HttpRequest) -> Any:
    """The signed-in staff member (the site's permission check let only them in)."""
    return request.user


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request) or None


def _unlock(request: HttpRequest, user: Any, data: dict[str, Any]) -> str:
    account_unlock_by_support(
        acting_user=_staff(request), user=user, reason=data["reason"], ip=_ip(request)
    )
    return gettext("The account is unlocked.")


def _reset(request: HttpRequest, user: Any, data: dict[str, Any]) -> str:
    hint = account_reset_by_support(
        acting_user=_staff(request), user=user, reason=data["reason"], ip=_ip(request)
    )
    return gettext("Every session was ended and a reset code was sent to %(phone)s.") % {
        "phone": hint
    }


def _revoke(request: HttpRequest, user: Any, data: dict[str, Any]) -> str:
    ended = account_sessions_revoke_by_support(
        acting_user=_staff(request), user=user, reason=data["reason"], ip=_ip(request)
    )
    return gettext("%(n)d session(s) ended.") % {"n": ended}


def _change_phone(request: HttpRequest, user: Any, data: dict[str, Any]) -> str:
    phone_change_request(
        acting_user=_staff(request),
        user=user,
        new_phone=data["new_phone"],  # normalised by the form
        document_reference=data["document_reference"],
        reason=data["reason"],
        ip=_ip(request),
    )
    return gettext("The phone change is requested; another staff member must approve it.")


def _approve(request: HttpRequest, change: Any, data: dict[str, Any]) -> str:
    phone_change_approve(
        acting_user=_staff(request), change=change, reason=data["reason"], ip=_ip(request)
    )
    return gettext("The phone change is approved; it takes effect after the cooling-off period.")


def _reject(request: HttpRequest, change: Any, data: dict[str, Any]) -> str:
    phone_change_cancel(
        acting_user=_staff(request), change=change, reason=data["reason"], ip=_ip(request)
    )
    return gettext("The phone change is rejected.")


def _reinstate(request: HttpRequest, card: Any, data: dict[str, Any]) -> str:
    card_reinstate_by_support(
        card=card, acting_user=_staff(request), reason=data["reason"], ip=_ip(request)
    )
    return gettext("The card is active again; its open cases are resolved.")


def _close(request: HttpRequest, case: Any, data: dict[str, Any]) -> str:
    card_case_close_by_support(
        case=case, acting_user=_staff(request), reason=data["reason"], ip=_ip(request)
    )
    return gettext("The case is closed.")


ACCOUNT_ACTIONS = {
    "unlock": Action(_("Unlock"), _unlock),
    "reset": Action(_("Reset (end sessions, send a reset code by SMS)"), _reset),
    "revoke-sessions": Action(_("Sign out of every device"), _revoke),
    "change-phone": Action(_("Request a phone change"), _change_phone, PhoneChangeForm),
}
PHONE_CHANGE_ACTIONS = {
    "approve": Action(_("Approve the phone change"), _approve),
    "reject": Action(_("Reject the phone change"), _reject),
}


class SupportSite(AdminSite):
    site_header = _("VSS support console")
    site_title = _("VSS support")
    index_title = _("Find an account")
    enable_nav_sidebar = False
    site_url = None  # no "view site" link: the console is the whole site for its users

    @property
    def login_form(self) -> Any:  # type: ignore[override]
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self) -> Any:  # type: ignore[override]
        return "otp/admin111/login.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        allowed = bool(
            user.is_active and user.is_staff and getattr(user, "role", None) in SUPPORT_ROLES
        )
        if settings.ADMIN_REQUIRE_2FA:
            return allowed and bool(getattr(user, "is_verified", lambda: False)())
        return allowed

    def get_urls(self) -> list[URLPattern | URLResolver]:
        view = self.admin_view
        return [
            path("accounts/<uuid:account_id>/", view(self.account_view), name="account"),
            path(
                "accounts/<uuid:account_id>/<slug:action>/",
                view(self.account_action_view),
                name="account-action",
            ),
            path(
                "phone-changes/<uuid:change_id>/<slug:action>/",
                view(self.phone_change_action_view),
                name="phone-change-action",
            ),
            path("cards/<uuid:card_id>/reinstate/", view(self.reinstate_view), name="reinstate"),
            path("cases/", view(self.cases_view), name="cases"),
            path("cases/<uuid:case_id>/close/", view(self.case_close_view), name="case-close"),
            *super().get_urls(),
        ]

    # --- pages -------------------------------------------------------------------------------

    def _render(self, request: HttpRequest, template: str, context: dict[str, Any]) -> Any:
        return TemplateResponse(request, template, {**self.each_context(request), **context})

    def index(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Search by POST, so that no phone or national ID lands in a URL or access log."""
        form = SearchForm(request.POST if request.method == "POST" else None)
        results = None
        if form.is_valid():
            searched = form.cleaned_data["q"].strip()
            request.session[SEARCHED] = searched
            users = list(support_account_search(query=searched)[:20])
            locked = account_locked_for(users=users)
            results = [self._account_row(user, searched, locked) for user in users]
        return self._render(
            request, "console/index.html",
            {"title": self.index_title, "form": form, "results": results},
        )  # fmt: skip

    def _account_row(self, user: Any, searched: str, locked: dict[object, int]) -> dict[str, Any]:
        insuree = user.insuree
        return {
            "user": user,
            "full_name": insuree.full_name if insuree else user.full_name,
            "national_id": national_id_shown(insuree.national_id if insuree else "", searched),
            "phone": phone_hint(phone=insuree.phone if insuree else ""),
            "locked_seconds": locked.get(user.pk, 0),
        }

    def account_view(self, request: HttpRequest, account_id: uuid.UUID) -> Any:
        user = access_account_for_support(account_id=account_id)
        insuree = user.insuree
        people = [insuree, *household_dependents(insuree=insuree)] if insuree else []
        person_ids = [person.pk for person in people]
        locked = account_locked_for(users=[user])[user.pk]
        context = {
            "title": insuree.full_name if insuree else user.username,
            "account": user,
            "insuree": insuree,
            "national_id": national_id_shown(
                insuree.national_id if insuree else "", request.session.get(SEARCHED)
            ),
            "phone": phone_hint(phone=insuree.phone if insuree else ""),
            "locked_seconds": locked,
            "locked_until": timezone.now() + timedelta(seconds=locked) if locked else None,
            "sessions": list(session_list_for_user(user=user)[:20]),
            "phone_changes": list(phone_change_list(user=user, pending=True)),
            "cards": list(healthcard_list_for_insurees(insuree_ids=person_ids)),
            "cases": list(card_case_list_for_insurees(insuree_ids=person_ids)),
            "events": list(audit_event_list_for_account(user=user)[:EVENTS_SHOWN]),
            "account_actions": ACCOUNT_ACTIONS,
            "phone_change_actions": PHONE_CHANGE_ACTIONS,
        }
        return self._render(request, "console/account.html", context)

    def cases_view(self, request: HttpRequest) -> Any:
        """The queue, oldest first, QUEUE_SHOWN a page (``?page=N``; a page past the end shows
        the last). Closing cases moves the later ones up a page: the queue is worked from the
        front."""
        pages = Paginator(card_case_queue(), QUEUE_SHOWN)
        page = pages.get_page(request.GET.get("page"))
        cases = list(page.object_list)
        card_case_queue_viewed(acting_user=_staff(request), count=len(cases), ip=_ip(request))
        context = {"title": gettext("Open cases"), "cases": cases, "page": page}
        return self._render(request, "console/cases.html", context)

    # --- actions -----------------------------------------------------------------------------

    def account_action_view(self, request: HttpRequest, account_id: uuid.UUID, action: str) -> Any:
        if action not in ACCOUNT_ACTIONS:
            raise Http404
        user = access_account_for_support(account_id=account_id)
        back = reverse(f"{self.name}:account", args=[user.pk])
        return self._action(request, ACCOUNT_ACTIONS[action], user, str(user), back)

    def phone_change_action_view(
        self, request: HttpRequest, change_id: uuid.UUID, action: str
    ) -> Any:
        if action not in PHONE_CHANGE_ACTIONS:
            raise Http404
        change = access_phone_change_for_support(change_id=change_id)
        back = reverse(f"{self.name}:account", args=[change.user_id])
        subject = gettext("Phone change to %(phone)s") % {
            "phone": phone_hint(phone=change.new_phone)
        }
        return self._action(request, PHONE_CHANGE_ACTIONS[action], change, subject, back)

    def reinstate_view(self, request: HttpRequest, card_id: uuid.UUID) -> Any:
        card = healthcard_get_for_support(card_id=card_id)
        action = Action(_("Reinstate the card"), _reinstate)
        return self._action(request, action, card, card.card_number, self._back(request))

    def case_close_view(self, request: HttpRequest, case_id: uuid.UUID) -> Any:
        case = access_card_case_for_support(case_id=case_id)
        action = Action(_("Close the case"), _close)
        subject = gettext("Case about card %(card)s") % {"card": case.card.card_number}
        return self._action(request, action, case, subject, self._back(request))

    def _back(self, request: HttpRequest) -> str:
        """Back to the account the staff member came from (``?account=``), else the queue."""
        try:
            account = uuid.UUID(request.GET.get("account", ""))
        except ValueError:
            return reverse(f"{self.name}:cases")
        return reverse(f"{self.name}:account", args=[account])

    def _action(
        self, request: HttpRequest, action: Action, target: Any, subject: str, back: str
    ) -> HttpResponse:
        form = action.form_class(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                done = action.apply(request, target, form.cleaned_data)
            except ApplicationError as error:
                messages.error(request, str(error.detail))
            else:
                messages.success(request, done)
                return HttpResponseRedirect(back)
        context = {"title": action.title, "subject": subject, "form": form, "back": back}
        return self._render(request, "console/action.html", context)


support_site = SupportSite(name="support")
