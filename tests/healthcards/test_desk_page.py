"""GET /clinic/: the desk page's frame, its security headers and its languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

import healthcards

PAGE = "/clinic/"
STATIC = Path(healthcards.__file__).parent / "static" / "healthcards"


class Inventory(HTMLParser):
    """Every script tag, inline style and event handler attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_script_text: list[str] = []
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []
        self.style_tags = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.scripts.append(named)
            self._in_script = True
        if tag == "style":
            self.style_tags += 1
        if "style" in named:
            self.style_attributes.append(tag)
        self.handlers.extend(name for name, _ in attrs if name.startswith("on"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script_text.append(data)


def page(client: Client, language: str = "vi"):
    return client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language)


def test_the_page_is_public_html_with_a_strict_content_security_policy(client, db):
    r = page(client)

    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/html")
    policy = dict(
        directive.strip().split(" ", 1) for directive in r["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'none'", "forms are sent by the script, never the browser"
    assert not any("unsafe" in value for value in policy.values())
    assert r["Permissions-Policy"].startswith("camera=(self)")


def test_the_page_has_the_same_security_headers_as_the_admin(client, db):
    desk = page(client)
    admin = client.get("/admin/login/")

    for header in (
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert desk.has_header(header), header
        assert desk[header] == admin[header], header
    assert desk["X-Frame-Options"] == "DENY"
    assert "no-cache" in desk["Cache-Control"]
    assert "Accept-Language" in desk["Vary"]


def test_the_page_has_no_inline_script_style_or_handler(client, db):
    inventory = Inventory()
    inventory.feed(page(client).content.decode())

    assert [s.get("src") for s in inventory.scripts] == ["/static/healthcards/desk.js"]
    assert inventory.inline_script_text == []
    assert inventory.style_attributes == []
    assert inventory.style_tags == 0
    assert inventory.handlers == []


def test_the_script_is_hand_written_and_self_contained():
    script = (STATIC / "desk.js").read_text(encoding="utf-8")

    assert not re.search(r"\bimport\s*\(|\bimport\s+[\w{*]|require\(", script)
    assert not re.search(r"https?://", script), "no third-party origin"
    assert "localStorage.setItem(S_" not in script, "tokens never go to localStorage"
    assert "innerHTML" not in script
    assert "eval(" not in script
    assert "new Function" not in script
    # The only thing kept in localStorage is the public key set.
    assert re.findall(r"KEYS_STORE\.setItem\((\w+)", script) == ["K_JWKS"]


def test_the_page_speaks_the_browsers_language(client, db):
    vietnamese = page(client, "vi-VN,vi;q=0.9,en;q=0.8").content.decode()
    english = page(client, "en-US,en;q=0.9").content.decode()

    assert '<html lang="vi">' in vietnamese
    assert "Quét thẻ" in vietnamese
    assert "Chữ ký hợp lệ, chưa kiểm tra được tình trạng thẻ" in vietnamese
    assert '<html lang="en">' in english
    assert "Scan a card" in english
    assert "Signature valid, status not checked" in english


def test_the_page_carries_the_token_rules_it_checks_offline(client, db):
    body = page(client).content.decode()

    assert f'data-audience="{settings.HEALTHCARD_QR_AUDIENCE}"' in body
    assert f'data-issuer="{settings.HEALTHCARD_QR_ISSUER}"' in body
    assert 'data-token-type="vss-hc+jwt"' in body


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_page_only_answers_reads(client, db, method):
    r = getattr(client, method)(PAGE)

    assert r.status_code == 405


def test_the_static_files_exist_for_collectstatic():
    assert (STATIC / "desk.js").is_file()
    assert (STATIC / "desk.css").is_file()


def test_the_service_worker_keeps_the_page_and_its_files_and_nothing_else(client, db):
    r = client.get("/clinic/sw.js")

    assert r.status_code == 200
    assert r["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-cache" in r["Cache-Control"]
    assert "script-src 'self'" in r["Content-Security-Policy"]
    worker = r.content.decode()
    assert 'var PAGE = "/clinic/";' in worker
    assets = re.search(r"var ASSETS = \[(.*)\];", worker).group(1)
    assert assets == 'PAGE, "/static/healthcards/desk.js", "/static/healthcards/desk.css"'
    assert not re.search(r"https?://", worker), "no third-party origin"
    assert "/api/" not in worker, "API answers are never cached"
    assert "jwks" not in worker.lower()
    body = page(client).content.decode()
    assert 'data-worker="/clinic/sw.js"' in body
    assert 'data-worker-scope="/clinic/"' in body


def test_new_files_make_a_new_worker_and_cache(client, db, settings):
    before = re.search(r'var CACHE = "([^"]+)"', client.get("/clinic/sw.js").content.decode())
    settings.STATIC_URL = "/static/v2/"
    after = re.search(r'var CACHE = "([^"]+)"', client.get("/clinic/sw.js").content.decode())

    assert before.group(1).startswith("vss-desk-")
    assert after.group(1) != before.group(1)
