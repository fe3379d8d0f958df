"""The admin's support actions driven in a real headless Chromium (Debian's package).

Skipped where /usr/bin/chromium is missing, except in CI (CI set), where it must be there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from accounts.models import AuditEvent, Session
from api.roles import Role
from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import InsureeFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium)")
        pytest.skip(f"no {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_support_revokes_sessions_from_the_admin_in_a_browser(page, live_server, settings):
    # Given a staff admin and a citizen signed in on two devices
    settings.ADMIN_REQUIRE_2FA = False
    UserFactory(role=Role.ADMIN, insuree=None, username="root", is_staff=True, is_superuser=True)
    citizen = UserFactory(insuree=InsureeFactory())
    for device in ["phone", "tablet"]:
        Session.objects.create(user=citizen, device_name=device)

    # When the admin signs in and runs "Sign out of every device" with a reason
    page.goto(f"{live_server.url}/admin/login/?next=/admin/accounts/user/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/accounts/user/")
    page.check(f"input[name=_selected_action][value='{citizen.pk}']")
    page.select_option("select[name=action]", "revoke_sessions")
    page.click("button[name=index]")
    page.wait_for_selector("#action-reason-form")
    page.fill("textarea[name=reason]", "Phone stolen, reported at the counter")
    page.click("#action-reason-form input[type=submit]")
    page.wait_for_selector("ul.messagelist")

    # Then the page says so, the sessions are over, and the audit log has the reason
    assert "1 done" in page.inner_text("ul.messagelist")
    assert not Session.objects.filter(user=citizen, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="support_sessions_revoked")
    assert event.reason == "Phone stolen, reported at the counter"
    assert event.actor.username == "root"
