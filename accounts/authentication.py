"""JWT authentication from the token's claims: no user query, revoked sessions refused at once.

Access tokens carry the user id, the session id (``sid``), the role and the insuree id
(``insuree_id``). A request builds ``request.user`` from those claims (a ``User`` whose other
fields are deferred: reading one, say ``username``, loads it), so authenticating costs no
query. A session revoked within the access-token lifetime is refused: see
``accounts.revocation`` for how every process learns of it within a second, whatever the
cache evicted or lost. A role change or a deactivation revokes the user's sessions, so claims
are never older than the session that carries them.

Each process remembers the access tokens it has verified (``validated_tokens``: up to
VALIDATED_TOKENS of them, each until its ``exp``), so an app's next request with the same token
skips the signature and the claim checks (a third of an authenticated request's own cost):
the same bytes verify the same way. The revocation check runs on every request all the same.
A changed JWT signing key takes effect with the restart that changing a setting needs.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts.revocation import revocations
from api.expiring import ExpiringLru

ROLE_CLAIM = "role"
INSUREE_CLAIM = "insuree_id"
SESSION_CLAIM = "sid"
VALIDATED_TOKENS = 20_000  # per process, about 1 KB each


def session_claims(user: Any) -> dict[str, Any]:
    """The claims a session's tokens carry about its user (besides the user id and sid)."""
    return {ROLE_CLAIM: user.role, INSUREE_CLAIM: user.insuree_id}


def _session_ended() -> InvalidToken:
    return InvalidToken(
        {
            "detail": _("This session has ended. Please sign in again."),
            "code": "token_not_valid",
        }
    )


def user_from_claims(token: Any) -> Any:
    """A ``User`` built from the claims, as if loaded with ``only()``: no query."""
    from accounts.models import User  # settings import this module early

    insuree_id = token[INSUREE_CLAIM]
    known = {
        "id": User._meta.pk.to_python(token[jwt_settings.USER_ID_CLAIM]),
        "role": str(token[ROLE_CLAIM]),
        "insuree_id": None if insuree_id is None else int(insuree_id),
        "is_active": True,  # a deactivated user's sessions are revoked
    }
    # from_db takes the loaded values in the model's field order.
    names = [f.attname for f in User._meta.concrete_fields if f.attname in known]
    return User.from_db(DEFAULT_DB_ALIAS, names, [known[name] for name in names])


# Verified access tokens, each until its ``exp`` (nothing mutates a validated token).
validated_tokens: ExpiringLru[bytes, Any] = ExpiringLru(VALIDATED_TOKENS)


class SessionJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Any:
        token = validated_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            validated_tokens.put(raw_token, token, until=float(token["exp"]))
        sid = token.get(SESSION_CLAIM)
        if sid is None or revocations.is_revoked(str(sid)):
            raise _session_ended()
        return token

    def get_user(self, validated_token: Any) -> Any:
        if ROLE_CLAIM not in validated_token or INSUREE_CLAIM not in validated_token:
            # A token issued before sessions carried claims: load the user, as before.
            return super().get_user(validated_token)
        try:
            return user_from_claims(validated_token)
        except (KeyError, ValueError, TypeError, ValidationError) as error:
            raise _session_ended() from error


class SessionJWTScheme(SimpleJWTScheme):
    """Describe the bearer scheme in the OpenAPI schema, as for simplejwt's own class."""

    target_class = "accounts.authentication.SessionJWTAuthentication"
    name = "jwtAuth"
