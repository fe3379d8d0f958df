"""The clinic desk page (``/clinic/``): a template and one static script.

The server renders only the page's frame and its words (vi or en, from the browser's
``Accept-Language``); the script signs the operator in through the API, verifies scans with
``POST /api/v1/clinic/verify``, and verifies signed QRs offline against the JWK Set it cached.
Nothing personal is rendered here, so the page is the same for everyone and may be cached
by the browser only briefly.

``/clinic/sw.js`` is the page's service worker: it keeps the page, its script and its style so
a reload without network still opens the desk (docs/healthcards.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from api.csp import STRICT_SELF, content_security_policy
from healthcards.beneficiaries import CARD_NUMBER_RE
from healthcards.tokens import TOKEN_TYPE

# The camera (BarcodeDetector) is the page's own; nothing else may ask for devices.
DESK_PERMISSIONS = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"


@require_safe
@content_security_policy(STRICT_SELF, permissions=DESK_PERMISSIONS)
@cache_control(no_cache=True, private=True)
@vary_on_headers("Accept-Language")
def clinic_desk_view(request: HttpRequest) -> HttpResponse:
    context = {
        "qr_audience": settings.HEALTHCARD_QR_AUDIENCE,
        "qr_issuer": settings.HEALTHCARD_QR_ISSUER,
        "qr_type": TOKEN_TYPE,
        "card_number_pattern": CARD_NUMBER_RE.pattern,
        "verify_max_length": settings.HEALTHCARD_VERIFY_MAX_LENGTH,
    }
    return render(request, "healthcards/desk.html", context)


@require_safe
@content_security_policy(STRICT_SELF)
@cache_control(no_cache=True)
def clinic_desk_worker_view(request: HttpRequest) -> HttpResponse:
    """The desk's service worker, with the current URLs of what it keeps: a new script or
    style (a new hashed name in production) makes new worker bytes, which the browser
    installs, dropping the old cache."""
    urls = {
        "page_url": reverse("clinic-desk"),
        "script_url": static("healthcards/desk.js"),
        "style_url": static("healthcards/desk.css"),
    }
    version = hashlib.sha256("|".join(urls.values()).encode()).hexdigest()[:12]
    return render(
        request,
        "healthcards/desk_sw.js",
        {**urls, "version": version},
        content_type="text/javascript; charset=utf-8",
    )
