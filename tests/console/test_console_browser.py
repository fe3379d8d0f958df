"""The support console in a real headless Chromium (Debian's package), as ``support.demo``
with the demo data and the staff TOTP second factor on, as in production.

Screenshots of each step are kept as test artefacts under ``var/test-artifacts/console/``
(``TEST_ARTIFACTS_DIR`` overrides the parent directory; ``var/`` is not committed).
Skipped where /usr/bin/chromium is missing, except in CI (CI set), where it must be there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Province, User
from accounts.provinces import PROVINCE_NAMES
from tests.accounts.conftest import PASSWORD
from tests.accounts.test_admin_browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", ROOT / "var" / "test-artifacts")) / "console"
HUSBAND_SIN = "0123456790"
REASON = "Caller verified by date of birth and address, ticket 2211"


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium)")
        pytest.skip(f"no {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between browser steps
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, locale: str):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def current_totp(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def demo(settings):
    """The demo data, support.demo with a TOTP device, the husband locked by failed logins."""
    settings.ADMIN_REQUIRE_2FA = True
    for code, name in PROVINCE_NAMES.items():
        Province.objects.get_or_create(code=code, defaults={"name": name})
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    support = User.objects.get(username="support.demo")
    assert not support.is_superuser
    device = TOTPDevice.objects.create(user=support, name="authenticator", confirmed=True)
    client = APIClient()
    for _ in range(settings.ACCOUNTS_LOGIN_MAX_FAILURES):
        client.post("/api/v1/auth/token", {"username": HUSBAND_SIN, "password": "wrong guess"})
    locked = client.post("/api/v1/auth/token", {"username": HUSBAND_SIN, "password": PASSWORD})
    assert locked.status_code == 423, locked.json()
    return device


def sign_in(page, base: str, device: TOTPDevice) -> None:
    """As the admin's TOTP login works: password first, then the device and its code."""
    page.goto(f"{base}/support/")
    page.wait_for_selector("#login-form")
    page.fill("input[name=username]", "support.demo")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_selector("select[name=otp_device]")
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=otp_device]", device.persistent_id)
    page.fill("input[name=otp_token]", current_totp(device))
    shot(page, "01-login-totp")
    page.click("#login-form input[type=submit]:not([name])")
    page.wait_for_selector("#console-search")


@pytest.mark.django_db(transaction=True)
def test_support_demo_unlocks_the_demo_husband_in_chromium(browser, live_server, demo):
    page = new_page(browser, "en-US")

    # Given support.demo signed in with password and TOTP code
    sign_in(page, live_server.url, demo)

    # When they search the demo citizen's husband by social insurance number
    page.fill("input[name=q]", HUSBAND_SIN)
    page.click("#console-search input[type=submit]")
    page.wait_for_selector("#console-results")
    assert "Trần Văn Minh" in page.inner_text("#console-results")
    assert "001088012346" not in page.content()  # searched by SIN: the national ID is masked
    shot(page, "02-search")
    page.click("#console-results a")
    page.wait_for_selector("#console-locked")
    shot(page, "03-account-locked")

    # ... and unlock with a reason
    page.click("a[data-action=unlock]")
    page.wait_for_selector("#console-action-form")
    page.fill("textarea[name=reason]", REASON)
    shot(page, "04-unlock-form")
    page.click("#console-action-form input[type=submit]")
    page.wait_for_selector("ul.messagelist")

    # Then the page confirms it, shows the account active and the audit event with the reason
    assert "The account is unlocked." in page.inner_text("ul.messagelist")
    assert page.is_visible("#console-active")
    audit = page.inner_text("#console-audit")
    assert "support_account_unlocked" in audit
    assert REASON in audit
    assert "support.demo" in audit
    shot(page, "05-unlocked")
    event = AuditEvent.objects.get(action="support_account_unlocked")
    assert (event.actor.username, event.target_user.username, event.reason) == (
        "support.demo", HUSBAND_SIN, REASON,
    )  # fmt: skip
    # and the husband can sign in again
    signed_in = APIClient().post(
        "/api/v1/auth/token", {"username": HUSBAND_SIN, "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.json()


@pytest.mark.django_db(transaction=True)
def test_the_console_speaks_vietnamese_in_a_vietnamese_browser(browser, live_server, demo):
    page = new_page(browser, "vi-VN")
    sign_in(page, live_server.url, demo)

    page.fill("input[name=q]", "001088012346")
    page.click("#console-search input[type=submit]")
    page.wait_for_selector("#console-results")
    page.click("#console-results a")
    page.wait_for_selector("#console-locked")

    assert "Mở khóa" in page.inner_text("a[data-action=unlock]")
    assert "Bị khóa đến" in page.inner_text("#console-locked")
    assert "001088012346" in page.inner_text("#console-state")  # the one searched: in full
    shot(page, "06-account-vi")


@pytest.mark.django_db(transaction=True)
def test_a_long_cases_queue_pages_in_vietnamese(browser, live_server, demo):
    from datetime import timedelta

    from django.utils import timezone

    from healthcards.models import CardCase, HealthCard

    card = HealthCard.objects.select_related("insuree").get(card_number="DN4010123456789")
    opener = User.objects.get(username="0123456789")
    start = timezone.now() - timedelta(days=3)
    CardCase.objects.bulk_create(
        CardCase(
            card=card, insuree_id=card.insuree_id, kind="not_me", opened_by=opener,
            comment=f"Không phải tôi ({n + 1})", created_at=start + timedelta(minutes=n),
        )
        for n in range(130)
    )  # fmt: skip
    page = new_page(browser, "vi-VN")
    sign_in(page, live_server.url, demo)

    page.goto(f"{live_server.url}/support/cases/")
    page.wait_for_selector("#console-cases")
    assert "Yêu cầu 1 đến 100 trên tổng số 130" in page.inner_text(".console-pages")
    assert page.locator("#console-cases tbody tr").count() == 100
    page.click("#cases-next")
    page.wait_for_selector("#cases-previous")
    shot(page, "07-cases-page-2-vi")
    assert "Yêu cầu 101 đến 130 trên tổng số 130" in page.inner_text(".console-pages")
    assert page.locator("#console-cases tbody tr").count() == 30
    assert "Không phải tôi (130)" in page.inner_text("#console-cases")
