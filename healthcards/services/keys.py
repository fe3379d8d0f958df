"""Signing keys: register, rotate, mark compromised, and pick the key that signs now."""

from __future__ import annotations

import logging
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import status

from api.exceptions import ApplicationError
from healthcards.error_codes import HealthCardErrorCode
from healthcards.keyring import (
    b64url,
    keyring_invalidate,
    keyset_changed,
    kid_for,
    private_key_load,
    private_key_write,
    public_key_raw,
)
from healthcards.models import HealthCardSigningKey

logger = logging.getLogger(__name__)


@transaction.atomic
def signing_key_register(*, key: Ed25519PrivateKey) -> HealthCardSigningKey:
    """Make ``key`` the current signing key: insert its public half (once) and retire the
    keys that were current. Tokens they signed stay verifiable until they expire."""
    raw = public_key_raw(key)
    kid = kid_for(raw)
    now = timezone.now()
    row, created = HealthCardSigningKey.objects.get_or_create(
        kid=kid, defaults={"public_key": b64url(raw), "activated_at": now}
    )
    HealthCardSigningKey.objects.filter(retired_at__isnull=True).exclude(pk=row.pk).update(
        retired_at=now
    )
    if not created and row.retired_at is not None and row.compromised_at is None:
        row.retired_at = None
        row.activated_at = now
        row.save(update_fields=["retired_at", "activated_at"])
    transaction.on_commit(keyset_changed)
    keyring_invalidate()
    return row


def signing_key_rotate(*, key_file: Path | None = None) -> HealthCardSigningKey:
    """Generate a key, write it where the settings say (or ``key_file``), make it current."""
    if settings.HEALTHCARD_SIGNING_KEY and key_file is None:
        raise ValueError(
            "The signing key comes from HEALTHCARD_SIGNING_KEY: write the new key to a file "
            "(--key-file), deploy it, and the first signature registers it."
        )
    key = Ed25519PrivateKey.generate()
    private_key_write(key, key_file or Path(settings.HEALTHCARD_SIGNING_KEY_FILE))
    return signing_key_register(key=key)


@transaction.atomic
def signing_key_mark_compromised(*, kid: str) -> HealthCardSigningKey:
    """Remove the key from the published set: everything it signed stops verifying."""
    row = HealthCardSigningKey.objects.select_for_update().get(kid=kid)
    now = timezone.now()
    row.compromised_at = row.compromised_at or now
    row.retired_at = row.retired_at or now
    row.save(update_fields=["compromised_at", "retired_at"])
    transaction.on_commit(keyset_changed)
    keyring_invalidate()
    return row


def signing_key_current() -> tuple[str, Ed25519PrivateKey]:
    """The configured private key and its kid, registering it on first use. In development
    (HEALTHCARD_SIGNING_KEY_AUTOCREATE) a missing key file is generated."""
    key = private_key_load()
    if key is None and settings.HEALTHCARD_SIGNING_KEY_AUTOCREATE:
        signing_key_rotate()
        key = private_key_load()
    if key is None:
        raise _unavailable("No health-card signing key is configured.")
    kid = kid_for(public_key_raw(key))
    row = HealthCardSigningKey.objects.filter(kid=kid).only("compromised_at").first()
    if row is None:
        logger.info("Registering health-card signing key %s", kid)
        signing_key_register(key=key)
    elif row.compromised_at is not None:
        raise _unavailable("The configured health-card signing key is marked compromised.")
    return kid, key


def _unavailable(detail: str) -> ApplicationError:
    logger.error(detail)
    return ApplicationError(
        code=HealthCardErrorCode.SIGNING_KEY_UNAVAILABLE,
        detail=gettext("QR codes cannot be issued right now. Please try again later."),
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
    )
