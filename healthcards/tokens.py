"""The QR token: a compact JWS (EdDSA over Ed25519) with short claim names.

Header ``{"alg": "EdDSA", "kid": ..., "typ": "vss-hc+jwt"}``. Claims::

    iss  "vss"            aud  "vss-clinic"       iat, exp  seconds     jti  random id
    cn   card number      nm   full name          dob  "YYYY-MM-DD"     g  "m" or "f"
    bl   benefit level    fc   registered facility code
    vf   valid from       vt   valid to (absent when open-ended)
    fy   five-year date (absent when not reached)
    qg   the card's QR generation (absent while 0): raised by "not me", it revokes older QRs

No address, no parent's name. API access tokens (HS256, typ JWT, aud "vss-api") fail here on
``typ``, ``alg`` and ``aud``; QR tokens fail as API tokens on all three as well.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from healthcards.beneficiaries import CARD_NUMBER_RE
from healthcards.keyring import keyring_get
from healthcards.models import HealthCard

TOKEN_TYPE = "vss-hc+jwt"  # noqa: S105 - a media type, not a secret
ALGORITHM = "EdDSA"
REQUIRED_CLAIMS = ["iss", "aud", "iat", "exp", "jti", "cn"]
LEEWAY = 5  # seconds of clock difference tolerated on exp and iat
_COMPACT_JWS_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def card_claims(card: HealthCard, *, issued_at: datetime) -> dict[str, Any]:
    insuree = card.insuree
    claims: dict[str, Any] = {
        "iss": settings.HEALTHCARD_QR_ISSUER,
        "aud": settings.HEALTHCARD_QR_AUDIENCE,
        "iat": int(issued_at.timestamp()),
        "exp": int(issued_at.timestamp()) + settings.HEALTHCARD_QR_TTL,
        "jti": secrets.token_urlsafe(12),
        "cn": card.card_number,
        "nm": insuree.full_name,
        "dob": insuree.date_of_birth.isoformat(),
        "g": insuree.gender[:1],
        "bl": card.benefit_level,
        "fc": card.registered_facility.code,
        "vf": card.valid_from.isoformat(),
    }
    if card.valid_to is not None:
        claims["vt"] = card.valid_to.isoformat()
    if card.five_year_date is not None:
        claims["fy"] = card.five_year_date.isoformat()
    if card.qr_generation:
        claims["qg"] = card.qr_generation
    return claims


def token_sign(claims: dict[str, Any], *, kid: str, key: Ed25519PrivateKey) -> str:
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid, "typ": TOKEN_TYPE})


class TokenRejected(Exception):
    """The text is not a valid QR token; ``result`` says why (a ScanResult value)."""

    def __init__(self, result: str, claims: dict[str, Any] | None = None) -> None:
        super().__init__(result)
        self.result = result
        self.claims = claims


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    expired: bool

    @property
    def card_number(self) -> str:
        return str(self.claims["cn"])

    @property
    def generation(self) -> int:
        value = self.claims.get("qg", 0)
        return value if isinstance(value, int) else -1


def looks_like_jws(text: str) -> bool:
    return bool(_COMPACT_JWS_RE.fullmatch(text))


def token_verify(text: str) -> VerifiedToken:
    """Check header, signature, audience and issuer. An expired token whose signature is good
    comes back with ``expired=True`` so the card can still be identified and the scan logged.
    Raises TokenRejected("malformed" | "bad_signature")."""
    try:
        header = jwt.get_unverified_header(text)
    except jwt.PyJWTError as error:
        raise TokenRejected("malformed") from error
    if header.get("typ") != TOKEN_TYPE or header.get("alg") != ALGORITHM:
        raise TokenRejected("malformed")
    kid = header.get("kid")
    public = keyring_get(kid) if isinstance(kid, str) else None
    if public is None:
        raise TokenRejected("bad_signature")
    claims = _decode(text, public.key, verify_exp=True)
    if claims is not None:
        return VerifiedToken(claims=claims, expired=False)
    claims = _decode(text, public.key, verify_exp=False)
    assert claims is not None  # noqa: S101 - the first decode failed on exp alone
    return VerifiedToken(claims=claims, expired=True)


def token_alive_at(token: VerifiedToken, moment: datetime) -> bool:
    """Whether the token was within its lifetime (issue to expiry, same leeway) at ``moment``:
    a scan queued offline is judged at the time it was made, never before the token existed."""
    stamp = moment.timestamp()
    return bool(token.claims["iat"] - LEEWAY <= stamp <= token.claims["exp"] + LEEWAY)


def _decode(text: str, key: Any, *, verify_exp: bool) -> dict[str, Any] | None:
    try:
        claims = jwt.decode(
            text,
            key,
            algorithms=[ALGORITHM],
            audience=settings.HEALTHCARD_QR_AUDIENCE,
            issuer=settings.HEALTHCARD_QR_ISSUER,
            leeway=LEEWAY,
            options={"require": REQUIRED_CLAIMS, "verify_exp": verify_exp},
        )
    except jwt.ExpiredSignatureError:
        return None
    except jwt.InvalidSignatureError as error:
        raise TokenRejected("bad_signature") from error
    except jwt.PyJWTError as error:
        raise TokenRejected("malformed") from error
    if not isinstance(claims.get("cn"), str) or not CARD_NUMBER_RE.match(claims["cn"]):
        raise TokenRejected("malformed")
    return claims


def claim_date(claims: dict[str, Any], name: str) -> date | None:
    value = claims.get(name)
    return date.fromisoformat(value) if isinstance(value, str) else None
