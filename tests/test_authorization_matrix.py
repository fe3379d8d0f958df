"""Authorisation matrix: every URL pattern the resolver knows, as every role, with ids that
belong to the victim (a citizen, Lan). A role that may not act must be refused (401 anonymous,
403 wrong role, 404 someone else's object); a role that may act must not be refused by
authorisation (nor answered 404 for an object it may reach); nothing answers 500. An endpoint
missing from TABLE fails the test, so a new endpoint cannot ship without saying who may call it.

To add an endpoint: add a ``Row(name, method, allow={...})`` below (``name`` is the URL
pattern's name; ``kwargs`` maps path parameters to keys of the world built in ``world()``;
``body`` is posted as JSON; a key ``world()`` does not build yet becomes a random UUID, so
mark such a row ``missing_ok=True`` until the world creates the object). Roles: anonymous,
citizen (Lan, the owner of every id used), other_citizen (another household), member (Lan's
husband, same household, own account), clinic, support, agency, admin.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import HouseholdRelation, PhoneChangeRequest
from accounts.services.sessions import session_start
from api.roles import Role
from contributions.models import Declaration
from healthcards.models import ClinicOperator, ScanEvent
from notifications.services import notification_send
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

ROLES = (
    "anonymous",
    "other_citizen",
    "member",
    "clinic",
    "support",
    "agency",
    "admin",
    "citizen",  # last: the owner's own calls may change state (a "not me" report suspends)
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = frozenset({"clinic", "support", "agency", "admin"})
OWNER = frozenset({"citizen"})
SUPPORT = frozenset({"support", "admin"})
AGENCY = frozenset({"agency", "admin"})
REASON = {"reason": "Caller verified at the counter, ticket 118"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    allow: frozenset[str]
    kwargs: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    # The id does not exist (no fixture for it): allowed roles may get 404 too.
    missing_ok: bool = False
    # A page of the support console (a session-authenticated site): refusals redirect to its
    # sign-in page.
    console: bool = False


TABLE = [
    # public, outside the API
    Row("healthz", "get", EVERYONE),
    # "/" redirects to the API docs, whatever the method
    *(Row("root", method, EVERYONE) for method in ("get", "post", "put", "patch", "delete")),
    Row("readyz", "get", EVERYONE),
    Row("schema", "get", EVERYONE),
    Row("swagger-ui", "get", EVERYONE),
    Row("jwks", "get", EVERYONE),
    Row("clinic-desk", "get", EVERYONE),  # the page's frame only; it signs in through the API
    Row("clinic-desk-worker", "get", EVERYONE),  # its service worker: three file names
    # auth (public or any signed-in user)
    Row("register-start", "post", EVERYONE),
    Row("register-verify", "post", EVERYONE),
    Row("token", "post", EVERYONE),
    Row("token-refresh", "post", EVERYONE),
    Row("password-reset-start", "post", EVERYONE),
    Row("password-reset-verify", "post", EVERYONE),
    # before the rows that end every session of the owner
    Row("me-session", "delete", OWNER, {"session_id": "session"}),
    Row("logout", "post", SIGNED_IN),
    Row("logout-all", "post", SIGNED_IN),
    Row("password-change", "post", SIGNED_IN),
    Row("totp-enrol", "post", STAFF),
    Row("totp-confirm", "post", STAFF, body={"otp": "123456"}),
    # me
    Row("me", "get", SIGNED_IN),
    Row("me-sessions", "get", SIGNED_IN),
    Row("me-household", "get", SIGNED_IN - STAFF),
    Row("me-household-member", "get", OWNER | {"member"}, {"member_id": "child_public_id"}),
    Row("me-phone-changes", "get", OWNER | {"member", "other_citizen"}),
    Row("me-phone-change-cancel", "post", OWNER, {"change_id": "phone_change"}),
    # support
    Row("support-accounts", "get", SUPPORT),
    Row("support-accounts-search", "post", SUPPORT, body={"q": "0123456789"}),
    Row("support-unlock", "post", SUPPORT, {"account_id": "account"}, REASON),
    Row("support-reset", "post", SUPPORT, {"account_id": "account"}, REASON),
    Row("support-revoke-sessions", "post", SUPPORT, {"account_id": "account"}, REASON),
    Row("support-change-phone", "post", SUPPORT, {"account_id": "account"}, REASON),
    Row("support-phone-changes", "get", SUPPORT),
    Row("support-phone-change-approve", "post", SUPPORT, {"change_id": "phone_change"}, REASON),
    Row("support-phone-change-cancel", "post", SUPPORT, {"change_id": "phone_change"}, REASON),
    Row("support-audit", "get", SUPPORT),
    Row("support-card-reinstate", "post", SUPPORT, {"card_id": "card"}, REASON),
    # contributions
    Row("contribution-list", "get", OWNER | {"member", "other_citizen"}),
    Row("contribution-summary", "get", OWNER | {"member", "other_citizen"}),
    Row("contribution-statement", "get", OWNER | {"member", "other_citizen"}),
    Row("benefit-list", "get", OWNER | {"member", "other_citizen"}),
    Row("pension-estimate", "get", OWNER | {"member", "other_citizen"}),
    Row("statement-list", "get", OWNER | {"member", "other_citizen"}),
    Row("statement-revoke", "post", OWNER, {"statement_id": "statement"}, missing_ok=True),
    Row("statement-verify", "get", EVERYONE, {"code": "statement_code"}, missing_ok=True),
    Row("import-create", "post", AGENCY),
    Row("import-detail", "get", AGENCY, {"declaration_id": "declaration"}),
    Row("import-job-detail", "get", AGENCY, {"job_id": "job"}, missing_ok=True),
    # health cards: Lan's own card and scans
    Row("card-list", "get", OWNER | {"member", "other_citizen"}),
    Row("card-qr", "get", OWNER, {"card_id": "card"}),
    Row("card-qr-png", "get", OWNER, {"card_id": "card"}),
    Row("card-qr-svg", "get", OWNER, {"card_id": "card"}),
    Row("card-scans", "get", OWNER, {"card_id": "card"}),
    Row("card-scan-not-me", "post", OWNER, {"card_id": "card", "scan_id": "scan"}),
    Row("clinic-verify", "post", frozenset({"clinic"}), body={"qr": "not a card"}),
    Row("clinic-scans", "get", frozenset({"clinic"})),
    Row("card-reactivate-start", "post", OWNER, {"card_id": "card"}),
    Row(
        "card-reactivate-verify",
        "post",
        OWNER,
        {"card_id": "card"},
        {"challenge_id": "00000000-0000-0000-0000-000000000001", "otp": "123456"},
    ),
    Row("support-case-list", "get", SUPPORT),
    Row("support-case-close", "post", SUPPORT, {"case_id": "case"}, REASON, missing_ok=True),
    # notifications: every citizen has an inbox; Lan's notification is hers alone
    Row("inbox", "get", OWNER | {"member", "other_citizen"}),
    Row("unread-count", "get", OWNER | {"member", "other_citizen"}),
    Row("read", "post", OWNER, {"notification_id": "notification"}),
    Row("preferences", "get", OWNER | {"member", "other_citizen"}),
    Row("preferences", "put", OWNER | {"member", "other_citizen"}),
    Row("devices", "post", OWNER | {"member", "other_citizen"}),
    Row("device-delete", "delete", OWNER, {"token": "device_token"}, missing_ok=True),
    Row("campaigns", "post", AGENCY),
    Row("campaign-detail", "get", AGENCY, {"campaign_id": "campaign"}, missing_ok=True),
    # rows that end every session of the owner or mark everything read come late
    Row("read-all", "post", OWNER | {"member", "other_citizen"}),
    # the support console in the browser (/support/)
    Row("console:index", "get", SUPPORT, console=True),
    Row("console:account", "get", SUPPORT, {"account_id": "account"}, console=True),
    Row(
        "console:account-action",
        "get",
        SUPPORT,
        {"account_id": "account", "action": "unlock_action"},
        console=True,
    ),
    Row(
        "console:phone-change-action",
        "get",
        SUPPORT,
        {"change_id": "phone_change", "action": "approve_action"},
        console=True,
    ),
    Row("console:reinstate", "get", SUPPORT, {"card_id": "card"}, console=True),
    Row("console:cases", "get", SUPPORT, console=True),
    Row("console:case-close", "get", SUPPORT, {"case_id": "case"}, console=True, missing_ok=True),
]
# Pages every Django admin site has (sign-in, sign-out, password change, JavaScript catalogue,
# autocomplete, "view on site", the catch-all): Django's own, not endpoints of ours.
CONSOLE_BUILTINS = {
    "console:login", "console:logout", "console:password_change", "console:password_change_done",
    "console:autocomplete", "console:jsi18n", "console:view_on_site", "console:",
}  # fmt: skip

# Citizen lists answer 200 to any citizen, but only with their own rows: that the rows are
# the caller's own is what each app's access-gate tests check (with other people's ids).


def world() -> tuple[dict[str, Any], dict[str, APIClient]]:
    household = HouseholdFactory()
    lan = InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    minh = InsureeFactory(household=household, household_relation=HouseholdRelation.SPOUSE)
    child = InsureeFactory(
        household=household,
        household_relation=HouseholdRelation.CHILD,
        date_of_birth=timezone.localdate() - timedelta(days=3 * 365),
    )
    owner = UserFactory(role=Role.CITIZEN, insuree=lan, username=lan.social_insurance_number)
    users = {
        "citizen": owner,
        "member": UserFactory(role=Role.CITIZEN, insuree=minh),
        "other_citizen": UserFactory(role=Role.CITIZEN, insuree=InsureeFactory()),
        "clinic": UserFactory(role=Role.CLINIC, insuree=None),
        "support": UserFactory(role=Role.SUPPORT, insuree=None, is_staff=True),
        "agency": UserFactory(role=Role.AGENCY, insuree=None),
        "admin": UserFactory(role=Role.ADMIN, insuree=None, is_staff=True, is_superuser=True),
    }
    facility = FacilityFactory()
    ClinicOperator.objects.create(user=users["clinic"], facility=facility)
    card = HealthCardFactory(insuree=lan, registered_facility=facility)
    scan = ScanEvent.objects.create(
        card=card,
        insuree_id=lan.pk,
        facility=facility,
        operator=users["clinic"],
        scanned_at=timezone.now(),
        result="valid",
        source="signed_qr",
    )
    session, _tokens = session_start(user=owner, device_name="phone")
    change = PhoneChangeRequest.objects.create(
        user=owner,
        old_phone=lan.phone,
        new_phone="+84987111222",
        document_reference="CCCD",
        reason="Lost SIM, identity checked",
        requested_by=users["support"],
    )
    ids = {
        "card": card.pk,
        "scan": scan.pk,
        "session": session.pk,
        "phone_change": change.pk,
        "account": owner.pk,
        "child_public_id": child.public_id,
        "declaration": Declaration.objects.create(
            file_sha256="0" * 64, status="posted", imported_by=users["agency"]
        ).pk,
        "job": uuid.uuid4(),
        "notification": notification_send(
            user_id=owner.pk, kind="security_account_unlocked", data={}
        ).pk,
        "unlock_action": "unlock",
        "approve_action": "approve",
    }
    clients = {"anonymous": APIClient(), "console:anonymous": APIClient()}
    for role, user in users.items():
        clients[role] = APIClient()
        clients[role].force_authenticate(user)
        clients[f"console:{role}"] = APIClient()
        clients[f"console:{role}"].force_login(user)
    return ids, clients


def url_patterns() -> list[tuple[str, str, list[str]]]:
    """(route, name, methods) of every view the resolver knows, the admin site aside."""

    def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, str, list[str]]]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                if str(pattern.pattern) == "support/":  # the console: names carry its prefix
                    inner = walk(pattern.url_patterns, prefix + str(pattern.pattern))
                    found += [(route, f"console:{name}", methods) for route, name, methods in inner]
                    continue
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                methods = ["get", "post", "put", "patch", "delete"]
                methods = [m for m in methods if view is not None and hasattr(view, m)]
                found.append(
                    (prefix + str(pattern.pattern), pattern.name or "", methods or ["get"])
                )
        return found

    return walk(get_resolver().url_patterns)


def test_every_endpoint_is_in_the_table():
    known = {(row.name, row.method) for row in TABLE}
    served = {
        (name, method)
        for _, name, methods in url_patterns()
        for method in methods
        if name not in CONSOLE_BUILTINS
    }

    assert sorted(served - known) == [], "endpoints without a row in TABLE"
    assert sorted(known - served) == [], "rows for endpoints that no longer exist"


def _path(row: Row, ids: dict[str, Any], routes: dict[str, str]) -> str:
    # A key the world does not build yet stands for an object nobody has (use missing_ok).
    values = {param: str(ids.get(key, uuid.uuid4())) for param, key in row.kwargs.items()}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], routes[row.name])


def _call(client: APIClient, row: Row, path: str) -> int:
    call = getattr(client, row.method)
    if row.method == "get":
        return int(call(path).status_code)
    return int(call(path, row.body or {}, format="json").status_code)


def _refusals(row: Row, role: str) -> set[int]:
    if row.console:  # refusals redirect to the console's sign-in page
        return {302, 403, 404}
    return {401} if role == "anonymous" else {403, 404}


def _judge(row: Row, role: str, status: int) -> list[tuple[str, str, int, str]]:
    """What is wrong with ``status`` for ``role`` on ``row``, if anything."""
    refused = _refusals(row, role)
    if status >= 500:
        return [(row.name, role, status, "server error")]
    if role in row.allow:
        if status in ({302, 401, 403} if row.console else {401, 403}):
            return [(row.name, role, status, "refused but allowed")]
        if status == 404 and row.kwargs and not row.missing_ok:
            return [(row.name, role, status, "their own object answered 404")]
        return []
    if status not in refused:
        return [(row.name, role, status, f"expected {sorted(refused)}")]
    return []


@pytest.mark.django_db
def test_every_role_gets_exactly_what_the_table_says(settings):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    ids, clients = world()
    routes = {name: route for route, name, _ in url_patterns()}
    failures = []
    for row in TABLE:
        path = _path(row, ids, routes)
        for role in ROLES:
            status = _call(clients[f"console:{role}" if row.console else role], row, path)
            failures += _judge(row, role, status)
    assert failures == [], "\n".join(map(str, failures))
