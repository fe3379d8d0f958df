"""The statement's QR token: a compact JWS (EdDSA over Ed25519) signed with the health-card
keys, so it verifies offline against the same ``/.well-known/jwks.json``.

Header ``{"alg": "EdDSA", "kid": ..., "typ": "vss-statement+jwt"}``. Claims::

    iss  "vss"              aud  "vss-statement"    iat, exp  seconds (exp: valid until)
    sc   verification code (12 characters, Crockford base32, without hyphens)
    pf   first month "YYYY-MM"   pt  last month "YYYY-MM" (both absent when nothing is on record)
    nm   masked name ("N. T. L. Hương")     nid  last 4 digits of the national ID (if any)
    t    totals per scheme: {"compulsory_si": [months paid, employee, employer, state,
         months owed, amount owed], ...} (VND)
    si   social insurance time in months (compulsory and voluntary, each month once)
    dg   SHA-256 of the rows and totals (base64url), as in the verification record

Its own ``typ`` and audience keep it from ever passing as a health-card QR (``vss-hc+jwt``,
audience ``vss-clinic``) or an API access token (HS256, audience ``vss-api``).
"""

from __future__ import annotations

import base64
from typing import Any

import jwt
from django.conf import settings

from contributions.models import Statement
from contributions.months import month_format
from healthcards.services.keys import signing_key_current

TOKEN_TYPE = "vss-statement+jwt"  # noqa: S105 - a media type, not a secret
ALGORITHM = "EdDSA"


def statement_claims(statement: Statement, *, national_id_last4: str | None) -> dict[str, Any]:
    totals = statement.totals
    claims: dict[str, Any] = {
        "iss": settings.STATEMENT_TOKEN_ISSUER,
        "aud": settings.STATEMENT_TOKEN_AUDIENCE,
        "iat": int(statement.issued_at.timestamp()),
        "exp": int(statement.expires_at.timestamp()),
        "sc": statement.code,
        "nm": statement.masked_name,
        "t": {
            item["scheme"]: [
                item["months_contributed"],
                item["employee_total"],
                item["employer_total"],
                item["state_total"],
                item["months_owed"],
                item["owed_total"],
            ]
            for item in totals["schemes"]
        },
        "si": totals["social_insurance_time"]["total_months"],
        "dg": base64.urlsafe_b64encode(bytes.fromhex(statement.digest)).rstrip(b"=").decode(),
    }
    if statement.month_from and statement.month_to:
        claims["pf"] = month_format(statement.month_from)
        claims["pt"] = month_format(statement.month_to)
    if national_id_last4:
        claims["nid"] = national_id_last4
    return claims


def statement_token_sign(claims: dict[str, Any]) -> str:
    kid, key = signing_key_current()
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid, "typ": TOKEN_TYPE})
