"""The clinic desk page (/clinic/) driven in a real headless Chromium (Debian's package).

The operator only types, as a desk's USB scanner does (the text, then Enter). Screenshots of
every state are written to ``$TEST_ARTIFACTS_DIR/clinic-desk/`` (default ``var/test-artifacts``).
Skipped where /usr/bin/chromium is missing, except in CI (CI set), where it must be there.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Session, User
from accounts.services.sessions import sessions_end_all
from healthcards.models import HealthCard, ScanEvent, ScanSource
from healthcards.services.keys import signing_key_current
from healthcards.tokens import card_claims, token_sign
from tests.accounts.test_admin_browser import CHROMIUM, CHROMIUM_ARGS
from tests.healthcards.conftest import FIXTURES

DEMO_PASSWORD = "Demo@2026"
ARTIFACTS = (
    Path(
        os.environ.get("TEST_ARTIFACTS_DIR") or django_settings.BASE_DIR / "var" / "test-artifacts"
    )
    / "clinic-desk"
)
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy")


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium)")
        pytest.skip(f"no {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Desk:
    """One browser context at the desk: the page, its console, and screenshots."""

    def __init__(self, browser, live_server, locale: str) -> None:
        self.context = browser.new_context(
            locale=locale, viewport={"width": 1280, "height": 900}, timezone_id="Asia/Ho_Chi_Minh"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("console", self._console)
        self.base = live_server.url
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _console(self, message) -> None:
        # What cutting the network makes Chromium report (a refused fetch, the service
        # worker's script not fetched) is the test's doing, not the page's.
        offline = ("net::ERR_INTERNET_DISCONNECTED", "error occurred when fetching the script")
        if message.type == "error" and not any(text in message.text for text in offline):
            self.problems.append(f"console: {message.text}")

    def open(self) -> None:
        self.page.goto(f"{self.base}/clinic/")

    def sign_in(self, username: str) -> None:
        # Keyboard only: the username field has the focus, Tab to the password, Enter.
        self.page.wait_for_selector("#signin-username:focus")
        self.page.keyboard.type(username)
        self.page.keyboard.press("Tab")
        self.page.keyboard.type(DEMO_PASSWORD)
        self.page.keyboard.press("Enter")

    def scan(self, text: str, expect: str) -> None:
        """Type what a scanner types (the text, then Enter) into whatever has the focus."""
        self.page.wait_for_selector("#scan-input:focus")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")
        self.wait(f"#result[data-result={expect}]")
        self.wait("#scan-input:focus")

    def wait(self, selector: str) -> None:
        try:
            self.page.wait_for_selector(selector)
        except Exception:
            self.shot("failed")  # what the page showed instead
            raise

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:  # keep what the page showed when a step failed
            self.shot("failed")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def result_text(self) -> str:
        return self.page.inner_text("#result")

    def storage(self, kind: str) -> dict[str, str]:
        return self.page.evaluate(
            f"() => Object.fromEntries(Object.keys({kind}).map(k => [k, {kind}.getItem(k)]))"
        )


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def demo_card() -> HealthCard:
    return HealthCard.objects.select_related("insuree").get(card_number="DN4010123456789")


def fresh_qr(card: HealthCard, *, issued_ago: timedelta = timedelta(0)) -> str:
    kid, key = signing_key_current()
    claims = card_claims(card, issued_at=timezone.now() - issued_ago)
    return token_sign(claims, kid=kid, key=key)


def tampered(token: str, **claims) -> str:
    """The token with some claims changed and its signature kept: it no longer fits."""
    header, payload, signature = token.split(".")
    changed = {
        **json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))),
        **claims,
    }
    encoded = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def paper_card_text(name: str) -> str:
    """The demo citizen's paper card QR (2016 layout): fields, the name as hex of UTF-8, "$"."""
    fields = [
        "DN4010123456789", name.encode().hex(), "12/05/1990", "2", "-", "01 - 001",
        "01/01/2026", "31/12/2026", "01/01/2026", "010500123456", "-", "4", "01/03/2021",
        "5c0ffee0d15ea5e1-0101", "$",
    ]  # fmt: skip
    return "|".join(fields)


def id_card_text() -> str:
    lines = (FIXTURES / "id_card_qr.txt").read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if line.startswith("001190012345|"))


@pytest.mark.django_db(transaction=True)
def test_the_desk_checks_in_online_offline_and_logs_queued_scans(browser, live_server, demo):
    # Given the demo clinic operator at the desk, with a Vietnamese browser
    desk = Desk(browser, live_server, "vi-VN")
    card = demo_card()
    holder = card.insuree
    before = set(ScanEvent.objects.values_list("pk", flat=True))
    desk.open()
    desk.shot("01-sign-in")
    desk.sign_in("clinic.demo")
    desk.page.wait_for_selector("#desk-section:not([hidden])")
    assert desk.page.is_hidden("#camera-button"), "no BarcodeDetector here: no camera button"

    # When a fresh QR from the app is scanned: valid, with the holder's name, large
    desk.scan(fresh_qr(card), "valid")
    desk.shot("02-online-valid-signed-qr")
    shown = desk.result_text()
    assert "Hợp lệ" in shown
    assert "valid" in shown
    assert holder.full_name in shown
    assert "12/05/1990" in shown
    assert "DN4010123456789" in shown
    assert "tại cơ sở này" in shown

    # And the chip ID card's text: checked in, identified by the ID card
    desk.scan(id_card_text(), "valid")
    desk.shot("03-online-valid-id-card")
    assert holder.full_name in desk.result_text()
    assert "căn cước gắn chip" in desk.result_text()

    # And the text of her paper card's QR (unsigned): checked against the record
    desk.scan(paper_card_text(holder.full_name), "valid")
    desk.shot("03b-online-valid-paper-card")
    assert "mã QR trên thẻ giấy (không có chữ ký)" in desk.result_text()
    assert "giấy tờ tùy thân có ảnh" in desk.result_text()

    # And a typed lookup, keyboard only: Tab to the number, Tab to the date, Enter
    desk.page.keyboard.press("Tab")
    desk.page.keyboard.press("Tab")
    assert desk.page.evaluate("document.activeElement.id") == "lookup-number"
    desk.page.keyboard.type(holder.national_id)
    desk.page.keyboard.press("Tab")
    desk.page.keyboard.type("12/05/1990")
    desk.page.keyboard.press("Enter")
    desk.page.wait_for_selector("#result[data-result=valid] dd:has-text('số nhập tay')")
    desk.shot("04-online-valid-typed")
    online_scans = ScanEvent.objects.exclude(pk__in=before)
    assert sorted(online_scans.values_list("source", flat=True)) == sorted(
        [ScanSource.SIGNED_QR, ScanSource.ID_CARD, ScanSource.PAPER_CARD, ScanSource.TYPED]
    )

    # When the network drops, a fresh QR is verified from the cached keys
    assert desk.storage("localStorage").get("vssDesk.jwks"), "the page cached the JWK Set"
    desk.context.set_offline(True)
    offline_token = fresh_qr(card)
    desk.scan(offline_token, "offline_valid")
    desk.shot("05-offline-signature-valid")
    shown = desk.result_text()
    assert "Chữ ký hợp lệ, chưa kiểm tra được tình trạng thẻ" in shown
    assert "01001 (tại cơ sở này)" in shown, "the desk learnt its facility while online"
    assert "chưa kiểm tra được tình trạng hiện tại của thẻ" in shown
    assert holder.full_name in shown
    assert desk.page.inner_text("#network-status") == "Mất mạng"
    assert "cập nhật vừa xong" in desk.page.inner_text("#keys-status")
    assert "1 lượt đang chờ có mạng" in desk.page.inner_text("#queue-count")

    # And a tampered one is a bad signature, an expired one expired
    desk.scan(tampered(fresh_qr(card), nm="Trần Thị Giả"), "bad_signature")
    desk.shot("06-offline-bad-signature")
    assert "Chữ ký không hợp lệ" in desk.result_text()
    assert holder.full_name not in desk.result_text()
    assert "Giả" not in desk.result_text()
    expired = fresh_qr(card, issued_ago=timedelta(seconds=django_settings.HEALTHCARD_QR_TTL + 60))
    desk.scan(expired, "expired")
    desk.shot("07-offline-expired")
    assert "Hết hạn" in desk.result_text()

    # And the ID card's text says it needs the network
    desk.scan(id_card_text(), "needs_network")
    desk.shot("08-offline-id-card-needs-network")
    assert "chỉ kiểm tra được khi có mạng" in desk.result_text()
    assert "2 lượt đang chờ có mạng" in desk.page.inner_text("#queue-count")
    assert ScanEvent.objects.exclude(pk__in=before).count() == 4, "nothing reached the server"

    # When the network returns, the queued scans are posted
    desk.context.set_offline(False)
    desk.page.wait_for_selector("#sent-list li[data-result=expired]")
    desk.page.wait_for_selector("#sent-list li[data-result=valid]")
    desk.shot("09-back-online-queue-sent")
    assert "Đã gửi hết" in desk.page.inner_text("#queue-count")

    # Then the citizen sees the offline scans in their scan log, at the time they were made
    queued = ScanEvent.objects.exclude(pk__in=before).filter(source=ScanSource.SIGNED_QR)
    assert sorted(queued.values_list("result", flat=True)) == ["expired", "valid", "valid"]
    citizen = APIClient()
    citizen.force_authenticate(User.objects.get(username="0123456789"))
    log = citizen.get(f"/api/v1/healthcards/{card.pk}/scans").json()["results"]
    logged = {scan["id"] for scan in log}
    assert {str(pk) for pk in queued.values_list("pk", flat=True)} <= logged
    assert all(s.operator.username == "clinic.demo" for s in queued.select_related("operator"))
    assert desk.problems == []


@pytest.mark.django_db(transaction=True)
def test_a_citizen_account_is_refused_and_keeps_no_session(browser, live_server, demo):
    desk = Desk(browser, live_server, "en-US")
    desk.open()

    desk.sign_in("0123456789")

    desk.page.wait_for_selector("#signin-error:not([hidden])")
    desk.shot("10-citizen-refused")
    assert "for clinic accounts only" in desk.page.inner_text("#signin-error")
    assert desk.page.input_value("#signin-password") == ""
    assert desk.page.is_hidden("#desk-section")
    assert desk.storage("sessionStorage") == {}
    assert not any("access" in k or "refresh" in k for k in desk.storage("localStorage"))
    citizen = User.objects.get(username="0123456789")
    assert not Session.objects.filter(user=citizen, revoked_at__isnull=True).exists()
    assert desk.problems == []


@pytest.mark.django_db(transaction=True)
def test_refresh_rotation_and_sign_out_that_clears_everything_personal(browser, live_server, demo):
    desk = Desk(browser, live_server, "en-US")
    desk.open()
    desk.sign_in("clinic.demo")
    desk.page.wait_for_selector("#desk-section:not([hidden])")
    first = desk.storage("sessionStorage")
    assert set(first) == {"vssDesk.access", "vssDesk.refresh", "vssDesk.operator"}
    assert set(desk.storage("localStorage")) <= {"vssDesk.jwks"}, "no token in localStorage"

    # Given an access token the server no longer accepts (as after its ten minutes)
    desk.page.evaluate("sessionStorage.setItem('vssDesk.access', 'x.y.z')")
    desk.page.reload()
    desk.page.wait_for_selector("#desk-section:not([hidden])")

    # When the operator scans, the page refreshes (rotating the refresh token) and carries on
    desk.scan(fresh_qr(demo_card()), "valid")
    second = desk.storage("sessionStorage")
    assert second["vssDesk.refresh"] != first["vssDesk.refresh"]
    assert second["vssDesk.access"] not in ("x.y.z", first["vssDesk.access"])

    # And two scans in quick succession are both checked, in order
    scans_before = ScanEvent.objects.count()
    desk.page.keyboard.type(fresh_qr(demo_card()))
    desk.page.keyboard.press("Enter")
    desk.page.keyboard.type(id_card_text())
    desk.page.keyboard.press("Enter")
    desk.wait("#result[data-result=valid] dd:has-text('chip ID card')")
    assert ScanEvent.objects.count() == scans_before + 2

    # And when they sign out (Tab to the button from the header is the keyboard's way)
    desk.page.focus("#signout-button")
    desk.page.keyboard.press("Enter")
    desk.page.wait_for_selector("#signin-section:not([hidden])")
    desk.shot("11-signed-out")

    # Then nothing personal remains in the page or the browser, and the session is over
    assert desk.storage("sessionStorage") == {}
    assert set(desk.storage("localStorage")) <= {"vssDesk.jwks"}
    assert desk.page.get_attribute("#result", "data-result") == "idle"
    assert demo_card().insuree.full_name not in desk.page.inner_text("body")
    operator = User.objects.get(username="clinic.demo")
    assert not Session.objects.filter(user=operator, revoked_at__isnull=True).exists()
    assert desk.problems == []


@pytest.mark.django_db(transaction=True)
def test_the_camera_button_scans_where_barcode_detector_exists(browser, live_server, demo):
    # Given a browser that offers BarcodeDetector (stubbed here: Linux Chromium has none) and
    # a camera (Chromium's fake device)
    desk = Desk(browser, live_server, "en-US")
    token = fresh_qr(demo_card())
    desk.context.add_init_script(
        "window.BarcodeDetector = class { detect() { return Promise.resolve("
        f"[{{rawValue: {token!r}}}]); }} }};"
        "navigator.mediaDevices.getUserMedia = () => {"
        "  const canvas = document.createElement('canvas'); canvas.width = 64; canvas.height = 48;"
        "  canvas.getContext('2d').fillRect(0, 0, 64, 48);"
        "  return Promise.resolve(canvas.captureStream(5)); };"
    )
    desk.open()
    desk.sign_in("clinic.demo")
    desk.page.wait_for_selector("#camera-button:not([hidden])")

    # When the operator presses the camera button (keyboard: focus and Enter)
    desk.page.focus("#camera-button")
    desk.page.keyboard.press("Enter")

    # Then the code it reads is verified like a scan, and the camera is stopped
    desk.page.wait_for_selector("#result[data-result=valid]")
    assert demo_card().insuree.full_name in desk.result_text()
    assert desk.page.is_hidden("#camera-panel")
    assert desk.problems == []


@pytest.mark.django_db(transaction=True)
def test_offline_checks_refuse_what_the_server_would(browser, live_server, demo):
    # Given a signed-in desk that has cached the keys, then loses the network
    card = demo_card()
    kid, key = signing_key_current()
    desk = Desk(browser, live_server, "en-US")
    desk.open()
    desk.sign_in("clinic.demo")
    desk.page.wait_for_selector("#desk-section:not([hidden])")
    desk.page.wait_for_selector("#keys-status:has-text('updated')")
    desk.context.set_offline(True)

    def signed(*, headers=None, signer=key, signer_kid=kid, **claims) -> str:
        body = {**card_claims(card, issued_at=timezone.now()), **claims}
        extra = {"kid": signer_kid, "typ": "vss-hc+jwt", **(headers or {})}
        return jwt.encode(body, signer, algorithm="EdDSA", headers=extra)

    # Then each is refused as the server refuses it, and none is queued
    desk.scan(signed(aud="another-audience"), "malformed")
    desk.scan(signed(iss="someone-else"), "malformed")
    desk.scan(signed(headers={"typ": "JWT"}), "malformed")
    desk.scan(signed(cn="not-a-card"), "malformed")
    desk.scan("eyJhbGciOiJub25lIn0.eyJjbiI6IkROIn0.", "malformed")  # alg none, no signature
    desk.scan("hello", "malformed")
    desk.scan(signed(signer=Ed25519PrivateKey.generate(), signer_kid="unknownkid000000"),
              "bad_signature")  # fmt: skip
    assert "keys may be out of date" in desk.result_text()
    desk.scan(signed(vt="2020-12-31"), "expired")
    assert "validity has ended" in desk.result_text()
    assert "1 waiting" in desk.page.inner_text("#queue-count"), "only the expired card is queued"

    # And without cached keys, nothing can be checked offline
    desk.page.evaluate("localStorage.clear()")
    desk.scan(fresh_qr(card), "no_keys")
    desk.shot("12-offline-no-keys")
    assert "No keys have been downloaded" in desk.result_text()
    assert desk.problems == []


@pytest.mark.django_db(transaction=True)
def test_sign_in_needs_the_network_and_an_ended_session_asks_to_sign_in_again(
    browser, live_server, demo
):
    desk = Desk(browser, live_server, "en-US")
    desk.open()

    # Offline, signing in says it needs the network
    desk.context.set_offline(True)
    desk.sign_in("clinic.demo")
    desk.page.wait_for_selector("#signin-error:has-text('needs the network')")
    desk.context.set_offline(False)

    # Online, signed in; then every session of the operator is ended elsewhere
    desk.page.fill("#signin-username", "")
    desk.page.focus("#signin-username")
    desk.sign_in("clinic.demo")  # typed again from the start
    desk.page.wait_for_selector("#desk-section:not([hidden])")
    sessions_end_all(user=User.objects.get(username="clinic.demo"))

    # The next scan finds the session over (refresh refused too) and asks to sign in again
    desk.page.keyboard.type(fresh_qr(demo_card()))
    desk.page.keyboard.press("Enter")
    desk.wait("#signin-error:has-text('session has ended')")
    desk.shot("13-session-ended")
    assert set(desk.storage("sessionStorage")) <= {"vssDesk.queue"}
    assert desk.page.evaluate("document.activeElement.id") == "signin-password"
    # Chromium reports the refused calls (401) in the console; nothing else went wrong.
    assert [p for p in desk.problems if "status of 401" not in p] == []


@pytest.mark.django_db(transaction=True)
def test_a_queued_scan_the_server_refuses_is_shown_and_dropped(browser, live_server, demo):
    # Given a desk whose tab still holds a scan queued four days ago
    desk = Desk(browser, live_server, "en-US")
    desk.open()
    desk.sign_in("clinic.demo")
    desk.page.wait_for_selector("#desk-section:not([hidden])")
    old = (timezone.now() - timedelta(days=4)).isoformat()
    item = {"qr": fresh_qr(demo_card()), "scanned_at": old, "name": "Nguyễn Thị Lan"}
    desk.page.evaluate(
        "item => sessionStorage.setItem('vssDesk.queue', JSON.stringify([item]))", item
    )
    before = ScanEvent.objects.count()

    # When the page comes back (a reload) and posts its queue
    desk.page.reload()

    # Then the refusal is shown with the server's reason, and the queue is empty
    desk.wait("#sent-list li[data-result=refused]")
    assert "too old to be logged" in desk.page.inner_text("#sent-list")
    assert desk.storage("sessionStorage")["vssDesk.queue"] == "[]"
    assert ScanEvent.objects.count() == before
    assert [p for p in desk.problems if "status of 400" not in p] == []


@pytest.mark.django_db(transaction=True)
def test_a_reload_without_network_still_opens_the_desk_and_keeps_checking_in(
    browser, live_server, demo
):
    # Given the operator signed in while online: the page installed its service worker
    desk = Desk(browser, live_server, "en-US")
    card = demo_card()
    token = fresh_qr(card)  # signed before the desk fetches the keys: it knows this key
    before = set(ScanEvent.objects.values_list("pk", flat=True))
    desk.open()
    desk.sign_in("clinic.demo")
    desk.wait("#desk-section:not([hidden])")
    desk.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    desk.page.wait_for_function("() => localStorage.getItem('vssDesk.jwks') !== null")

    # When the network drops and the page is reloaded (a refresh, a crashed tab restored)
    desk.context.set_offline(True)
    desk.page.reload()

    # Then the desk opens from the worker's copy, still signed in, and checks a QR offline
    desk.wait("#desk-section:not([hidden])")
    desk.shot("10-offline-after-reload")
    assert desk.page.inner_text("#network-status") == "Offline"
    desk.scan(token, "offline_valid")
    assert card.insuree.full_name in desk.result_text()
    assert "1 waiting for the network" in desk.page.inner_text("#queue-count")

    # And the queued scan reaches the server when the network returns
    desk.context.set_offline(False)
    desk.wait("#sent-list li[data-result=valid]")
    assert ScanEvent.objects.exclude(pk__in=before).count() == 1
    assert desk.problems == []
