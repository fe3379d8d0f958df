"""The support console's pages through Django's test client: who gets in, search, the
account's state, each action with a reason through the audited services, what is never shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import account_lock_keys, login_failure_register
from accounts.models import AuditEvent, PhoneChangeRequest, Session
from api.roles import Role
from healthcards.models import CardCase, CardStatus, ScanEvent
from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import UserFactory
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

pytestmark = pytest.mark.django_db

INDEX = "/support/"


def account_url(user, suffix=""):
    return f"/support/accounts/{user.pk}/{suffix}"


def lock(user, settings):
    for _ in range(settings.ACCOUNTS_LOGIN_MAX_FAILURES):
        login_failure_register(account_lock_keys(user)[0])


def text(response) -> str:
    return response.content.decode()


# --- who gets in -----------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    r = client.get(INDEX)

    assert r.status_code == 302
    assert r["Location"].startswith("/support/login/")


@pytest.mark.parametrize("role", [Role.CLINIC, Role.AGENCY])
def test_other_staff_are_refused(settings, role):
    settings.ADMIN_REQUIRE_2FA = False
    user = UserFactory(role=role, insuree=None, is_staff=True)
    client = Client()
    client.force_login(user)

    assert client.get(INDEX).status_code == 302  # back to the login page


def test_a_citizen_cannot_sign_in(settings, husband):
    settings.ADMIN_REQUIRE_2FA = False
    client = Client()

    r = client.post("/support/login/", {"username": husband.username, "password": PASSWORD})

    assert r.status_code == 200  # the form again, with an error
    assert client.get(INDEX).status_code == 302


def test_support_staff_who_are_not_superusers_get_in(console, staff):
    assert not staff.is_superuser

    r = console.get(INDEX)

    assert r.status_code == 200
    assert "Find an account" in text(r)


def test_with_2fa_required_a_totp_code_is_needed(settings, staff):
    settings.ADMIN_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()

    refused = client.post(
        "/support/login/", {"username": staff.username, "password": PASSWORD, "otp_token": ""}
    )
    assert client.get(INDEX).status_code == 302
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(
        "/support/login/",
        {"username": staff.username, "password": PASSWORD, "otp_device": device.persistent_id,
         "otp_token": code},
    )  # fmt: skip

    assert refused.status_code == 200
    assert client.get(INDEX).status_code == 200


def test_pages_follow_the_browsers_language(console):
    english = text(console.get(INDEX, HTTP_ACCEPT_LANGUAGE="en"))
    vietnamese = text(console.get(INDEX, HTTP_ACCEPT_LANGUAGE="vi"))

    assert "Find an account" in english
    assert "Tìm tài khoản" in vietnamese
    assert "Find an account" not in vietnamese


# --- search and state -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["0123456790", "001088012346", "0987654321", "+84987654321"])
def test_search_by_exact_sin_national_id_or_phone(console, husband, query):
    r = console.post(INDEX, {"q": query})

    assert r.status_code == 200
    assert account_url(husband) in text(r)
    assert "Trần Văn Minh" in text(r)


def test_search_is_exact_and_never_a_prefix(console, husband):
    r = console.post(INDEX, {"q": "012345679"})

    assert account_url(husband) not in text(r)
    assert 'id="console-no-results"' in text(r)


def test_the_national_id_is_shown_in_full_only_when_searched(console, husband):
    by_sin = text(console.post(INDEX, {"q": "0123456790"}))
    page_after_sin = text(console.get(account_url(husband)))
    by_id = text(console.post(INDEX, {"q": "001088012346"}))
    page_after_id = text(console.get(account_url(husband)))

    assert "001088012346" not in by_sin
    assert "001088012346" not in page_after_sin
    assert "001*******46" in page_after_sin
    assert "001088012346" in by_id
    assert "001088012346" in page_after_id


def test_the_account_page_shows_state_and_never_a_password_hash_or_phone(
    console, husband, settings
):
    lock(husband, settings)
    Session.objects.create(user=husband, device_name="Galaxy A54")

    page = text(console.get(account_url(husband)))

    assert 'id="console-locked"' in page
    assert "Galaxy A54" in page
    assert husband.password not in page
    assert "argon2" not in page
    assert "md5$" not in page
    assert "+84987654321" not in page
    assert "0987654321" not in page
    assert "+84 98*****21" in page


def test_another_id_or_a_staff_account_is_404(console, staff):
    assert console.get("/support/accounts/7d5f7f7e-0000-4000-8000-000000000000/").status_code == 404
    assert console.get(account_url(staff)).status_code == 404


# --- actions ----------------------------------------------------------------------------------


def test_unlock_needs_a_reason_and_is_audited(
    console, husband, staff, settings, django_capture_on_commit_callbacks
):
    lock(husband, settings)

    form = console.get(account_url(husband, "unlock/"))
    empty = console.post(account_url(husband, "unlock/"), {"reason": "  "})
    with django_capture_on_commit_callbacks(execute=True):  # the lock is cleared after commit
        unlocked = console.post(account_url(husband, "unlock/"), {"reason": "Caller verified"})
    done = console.get(unlocked["Location"])

    assert form.status_code == 200
    assert 'name="reason"' in text(form)
    assert empty.status_code == 200
    assert "errorlist" in text(empty)
    assert "The account is unlocked." in text(done)
    assert 'id="console-active"' in text(done)
    event = AuditEvent.objects.get(action="support_account_unlocked")
    assert (event.actor, event.target_user, event.reason) == (staff, husband, "Caller verified")
    assert "support_account_unlocked" in text(done)


def test_revoke_sessions_and_reset(console, husband):
    Session.objects.create(user=husband, device_name="phone")

    console.post(account_url(husband, "revoke-sessions/"), {"reason": "Phone stolen"})
    console.post(account_url(husband, "reset/"), {"reason": "Forgot everything"})

    assert not Session.objects.filter(user=husband, revoked_at__isnull=True).exists()
    husband.refresh_from_db()
    assert not husband.has_usable_password()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"support_sessions_revoked", "support_account_reset"} <= actions


def test_a_phone_change_needs_a_second_person(console, husband, staff):
    console.post(
        account_url(husband, "change-phone/"),
        {
            "new_phone": "0912000111",
            "document_reference": "CCCD seen at counter",
            "reason": "Lost SIM card",
        },
    )
    change = PhoneChangeRequest.objects.get(user=husband)

    own = console.post(
        f"/support/phone-changes/{change.pk}/approve/", {"reason": "Checked with the holder"}
    )
    other = UserFactory(role=Role.SUPPORT, insuree=None, is_staff=True)
    second = Client(HTTP_ACCEPT_LANGUAGE="en")
    second.force_login(other)
    approved = second.post(
        f"/support/phone-changes/{change.pk}/approve/", {"reason": "Checked the ID card"}
    )

    assert "someone other than its requester" in text(own)
    assert approved.status_code == 302
    change.refresh_from_db()
    assert change.approved_by == other
    assert change.new_phone == "+84912000111"


def test_a_phone_change_can_be_rejected(console, husband):
    console.post(
        account_url(husband, "change-phone/"),
        {"new_phone": "0912000111", "document_reference": "CCCD", "reason": "Lost SIM card"},
    )
    change = PhoneChangeRequest.objects.get(user=husband)
    page = text(console.get(account_url(husband)))
    assert f"/support/phone-changes/{change.pk}/reject/" in page

    console.post(f"/support/phone-changes/{change.pk}/reject/", {"reason": "Not the holder"})

    change.refresh_from_db()
    assert change.cancelled_at is not None


def test_an_invalid_new_phone_is_refused(console, husband):
    r = console.post(
        account_url(husband, "change-phone/"),
        {"new_phone": "12345", "document_reference": "CCCD", "reason": "Lost SIM card"},
    )

    assert "This is not a mobile number." in text(r)
    assert not PhoneChangeRequest.objects.exists()


@pytest.fixture
def reported_card(husband):
    card = HealthCardFactory(insuree=husband.insuree, registered_facility=FacilityFactory())
    operator = UserFactory(role=Role.CLINIC, insuree=None)
    scan = ScanEvent.objects.create(
        card=card, insuree_id=card.insuree_id, facility=card.registered_facility,
        operator=operator, result="valid", source="id_card",
    )  # fmt: skip
    card.status, card.suspended_reason = CardStatus.SUSPENDED, "not_me"
    card.save()
    case = CardCase.objects.create(
        card=card, insuree_id=card.insuree_id, scan=scan, kind="not_me", opened_by=husband,
        comment="I was at home",
    )  # fmt: skip
    return card, case


def test_cards_and_open_cases_show_and_a_case_closes_with_a_reason(console, husband, reported_card):
    card, case = reported_card

    page = text(console.get(account_url(husband)))
    queue = text(console.get("/support/cases/"))
    done = console.post(
        f"/support/cases/{case.pk}/close/?account={husband.pk}",
        {"reason": "Reviewed with the holder"},
        follow=True,
    )

    assert card.card_number in page
    assert "I was at home" in page
    assert f"/support/cases/{case.pk}/close/" in queue
    assert AuditEvent.objects.filter(action="healthcard.cases_list", data__count=1).exists()
    assert "The case is closed." in text(done)
    case.refresh_from_db()
    assert case.status == "resolved"
    assert AuditEvent.objects.filter(
        action="healthcard.case_close", reason="Reviewed with the holder"
    ).exists()
    assert "healthcard.case_close" in text(done)  # card events name the person


def test_a_suspended_card_is_reinstated_with_a_reason(console, husband, reported_card):
    card, _case = reported_card

    r = console.post(
        f"/support/cards/{card.pk}/reinstate/?account={husband.pk}",
        {"reason": "Checked with the holder"},
    )

    assert r.status_code == 302
    assert r["Location"] == account_url(husband)
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE
    again = console.post(f"/support/cards/{card.pk}/reinstate/", {"reason": "Once more, please"})
    assert "Only a suspended card can be reinstated." in text(again)


def test_an_unknown_action_is_404(console, husband):
    assert console.get(account_url(husband, "delete/")).status_code == 404


def test_vietnamese_action_labels_in_a_vietnamese_browser(console, husband):
    vi = text(console.get(account_url(husband), HTTP_ACCEPT_LANGUAGE="vi"))
    en = text(console.get(account_url(husband), HTTP_ACCEPT_LANGUAGE="en"))

    assert "Mở khóa" in vi
    assert ">Unlock<" in en
    assert "Mở khóa" not in en


def test_the_searched_identifier_never_appears_in_a_url(console, husband):
    r = console.post(INDEX, {"q": "001088012346"})

    assert "?q=" not in text(r)
    assert r.request["PATH_INFO"] == "/support/"


def test_support_staff_signing_in_to_the_admin_land_in_the_console(console):
    r = console.get("/admin/")

    assert r.status_code == 302
    assert r["Location"] == "/support/"


def test_the_cases_queue_pages_oldest_first_with_a_fixed_number_of_queries(
    console, husband, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    card = HealthCardFactory(insuree=husband.insuree)
    start = timezone.now() - timedelta(days=30)
    CardCase.objects.bulk_create(
        CardCase(
            card=card, insuree_id=card.insuree_id, kind="not_me", opened_by=husband,
            comment=f"case {n:03d}", created_at=start + timedelta(minutes=n),
        )
        for n in range(205)
    )  # fmt: skip

    with django_assert_max_num_queries(12):  # the same for 100 rows as for 5
        first = text(console.get("/support/cases/"))
    last = text(console.get("/support/cases/?page=3"))
    beyond = text(console.get("/support/cases/?page=99"))
    nonsense = text(console.get("/support/cases/?page=x"))

    assert "case 000" in first
    assert "case 099" in first
    assert "case 100" not in first
    assert "Cases 1 to 100 of 205" in first
    assert 'href="?page=2"' in first
    assert "case 200" in last
    assert "case 204" in last
    assert "case 199" not in last
    assert "Cases 201 to 205 of 205" in last
    assert 'id="cases-next"' not in last
    assert _table(beyond) == _table(last)  # past the end: the last page
    assert _table(nonsense) == _table(first)
    counts = AuditEvent.objects.filter(action="healthcard.cases_list")
    assert sorted(event.data["count"] for event in counts) == [5, 5, 100, 100]


def _table(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]
