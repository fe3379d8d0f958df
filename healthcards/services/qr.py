"""Issuing the QR token for a card and drawing it.

A token is reused for the same card while it has at least HEALTHCARD_QR_MIN_REMAINING seconds
left, and images are cached per token for its remaining lifetime: a phone that refreshes the
screen gets the same bytes from the cache instead of a new signature and a new drawing.
Images are kept in this process too (a few thousand, until their token expires) in front of
the shared cache: the same payload always draws the same bytes, so that copy is never stale,
and a refresh served by the same worker skips a Redis round trip.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import qrcode
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image
from rest_framework import status

from api.exceptions import ApplicationError
from api.expiring import ExpiringLru
from healthcards.error_codes import HealthCardErrorCode
from healthcards.keyring import keyring_get
from healthcards.models import CardStatus, HealthCard
from healthcards.services.keys import signing_key_current
from healthcards.tokens import card_claims, token_sign

# Error correction M (15% of the code may be damaged) keeps a ~500-character token at version
# 20 or below; modules of 8 px with the standard 4-module quiet zone read well off a screen.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
BOX_SIZE = 8
BORDER = 4
# Choosing the best of the 8 masks is about two thirds of the drawing time; a fixed mask is
# read just as well by phone decoders (tests decode every image with zxing-cpp).
MASK_PATTERN = 0
# Images kept in each process, in front of the shared cache (about 10 KB each).
LOCAL_IMAGES = 2048

_REFUSED = {
    CardStatus.SUSPENDED: (HealthCardErrorCode.CARD_SUSPENDED, _("This card is suspended.")),
    CardStatus.REVOKED: (HealthCardErrorCode.CARD_REVOKED, _("This card has been revoked.")),
    CardStatus.EXPIRED: (HealthCardErrorCode.CARD_EXPIRED, _("This card has expired.")),
}


@dataclass(frozen=True)
class QrToken:
    payload: str
    expires_at: datetime


def _token_cache_key(card: HealthCard) -> str:
    return f"hc:qr:{card.pk}"


def card_qr_issue(*, card: HealthCard) -> QrToken:
    """A signed token for an active card, reused while it has enough lifetime left, its key
    is still published (a withdrawn key's tokens are never handed out again) and it belongs to
    the card's current QR generation (none issued before a "not me")."""
    state = card.effective_status(timezone.localdate())
    if state != CardStatus.ACTIVE:
        code, detail = _REFUSED[CardStatus(state)]
        raise ApplicationError(code=code, detail=str(detail), status_code=status.HTTP_409_CONFLICT)
    cached = cache.get(_token_cache_key(card))
    if (
        cached is not None
        and len(cached) == 4  # (payload, exp, kid, QR generation); older entries had 3
        and cached[3] == card.qr_generation  # none from before a "not me"
        and keyring_get(cached[2]) is not None
    ):
        return QrToken(payload=cached[0], expires_at=datetime.fromtimestamp(cached[1], tz=UTC))
    kid, key = signing_key_current()
    claims = card_claims(card, issued_at=timezone.now())
    payload = token_sign(claims, kid=kid, key=key)
    reuse = settings.HEALTHCARD_QR_TTL - settings.HEALTHCARD_QR_MIN_REMAINING
    if reuse > 0:
        cached = (payload, claims["exp"], kid, card.qr_generation)
        cache.set(_token_cache_key(card), cached, timeout=reuse)
    return QrToken(payload=payload, expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC))


def card_qr_forget(*, card: HealthCard) -> None:
    """Drop the reusable token (after the card changed)."""
    cache.delete(_token_cache_key(card))


def _matrix(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECTION, border=BORDER, mask_pattern=MASK_PATTERN
    )
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def qr_png_draw(payload: str) -> bytes:
    """One pixel per module into a 1-bit image, then scaled up: about 4x faster than drawing
    each module as a rectangle, with identical pixels."""
    matrix = _matrix(payload)
    size = len(matrix)
    image = Image.new("1", (size, size))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * BOX_SIZE, size * BOX_SIZE), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def qr_svg_draw(payload: str) -> bytes:
    """One path of horizontal runs over a white square, in module units scaled by BOX_SIZE:
    crisp at any zoom, a few kilobytes, and far quicker than one element per module."""
    matrix = _matrix(payload)
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    pixels = size * BOX_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    ).encode("ascii")


_DRAW = {"png": qr_png_draw, "svg": qr_svg_draw}


local_images: ExpiringLru[str, bytes] = ExpiringLru(LOCAL_IMAGES)  # until the token expires


def qr_image_render(*, token: QrToken, image_format: str) -> bytes:
    """The image for this token: from this process, else the shared cache, else drawn."""
    digest = hashlib.sha256(token.payload.encode("ascii")).hexdigest()[:32]
    key = f"hc:qrimg:{image_format}:{digest}"
    image = local_images.get(key)
    if image is not None:
        return image
    lifetime = (token.expires_at - timezone.now()).total_seconds()
    image = cache.get(key)
    if image is None:
        image = _DRAW[image_format](token.payload)
        if lifetime >= 1:
            cache.set(key, image, timeout=int(lifetime))
    image = bytes(image)
    if lifetime > 0:
        local_images.put(key, image, until=token.expires_at.timestamp())
    return image
