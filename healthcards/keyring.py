"""Ed25519 keys that sign QR tokens: the private key from the environment or a file, and the
public keys from the database, held in process memory for the hot verify path.

- ``kid`` is the first 16 characters of the key's RFC 7638 JWK thumbprint: stable, derived
  from the key itself, so a private key configured anywhere maps to its database row.
- The in-memory key set is reloaded every ``HEALTHCARD_KEYRING_REFRESH_SECONDS``, within a
  second of a change announced through the shared cache (``keyset_changed()``, called by the
  services that change keys: one cache read per second per process), and at once (at most once
  a second) when a token names a kid it does not know.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from healthcards.models import HealthCardSigningKey

KID_LENGTH = 16
RELOAD_ON_UNKNOWN_KID_SECONDS = 1.0


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def kid_for(public_raw: bytes) -> str:
    """RFC 7638 thumbprint of the OKP JWK, shortened to ``KID_LENGTH`` characters."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_raw)},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())[:KID_LENGTH]


# --- The private key ---------------------------------------------------------------------------


def private_key_parse(text: str) -> Ed25519PrivateKey:
    """PEM (PKCS#8), or base64/base64url of the raw 32-byte seed."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("The health-card signing key must be an Ed25519 key.")
        return key
    seed = b64url_decode(text.replace("+", "-").replace("/", "_").rstrip("="))
    if len(seed) != 32:
        raise ValueError("A raw Ed25519 signing key is 32 bytes.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_write(key: Ed25519PrivateKey, path: Path) -> None:
    """Write the key readable by its owner only, replacing any previous file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private_key_pem(key))
    temporary.replace(path)


_private_lock = threading.Lock()
_private_cache: dict[tuple[str, int], Ed25519PrivateKey] = {}


def private_key_load() -> Ed25519PrivateKey | None:
    """The configured signing key, or None when none is configured (nor the file present).
    The file is re-read when it changes, so a rotation reaches running processes."""
    if settings.HEALTHCARD_SIGNING_KEY:
        return private_key_parse(settings.HEALTHCARD_SIGNING_KEY)
    path = Path(settings.HEALTHCARD_SIGNING_KEY_FILE)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None
    with _private_lock:
        key = _private_cache.get(stamp)
        if key is None:
            key = private_key_parse(path.read_text(encoding="ascii"))
            _private_cache.clear()
            _private_cache[stamp] = key
        return key


# --- The public keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    kid: str
    key: Ed25519PublicKey
    x: str
    activated_at: datetime
    retired_at: datetime | None

    def published(self, now: datetime) -> bool:
        """Current keys, and retired ones whose tokens may still be alive: QR tokens live
        minutes, but the same keys sign contribution statements, which live days."""
        if self.retired_at is None:
            return True
        longest = max(settings.HEALTHCARD_QR_TTL, settings.STATEMENT_VALID_DAYS * 86400)
        margin = longest + settings.HEALTHCARD_JWKS_RETIRED_MARGIN
        return self.retired_at + timedelta(seconds=margin) > now


KEYSET_VERSION_CACHE_KEY = "hc:keyset-version"
VERSION_CHECK_SECONDS = 1.0


class _Keyring:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: dict[str, PublicKey] = {}
        self.loaded_at = float("-inf")
        self.checked_at = float("-inf")
        self.seen_version: object = None
        self.version = 0

    def load(self) -> None:
        # Read the shared version first: a change committed during the load bumps it again.
        seen = cache.get(KEYSET_VERSION_CACHE_KEY)
        rows = HealthCardSigningKey.objects.filter(compromised_at__isnull=True).order_by(
            "-activated_at", "-id"
        )
        keys = {
            row.kid: PublicKey(
                kid=row.kid,
                key=Ed25519PublicKey.from_public_bytes(b64url_decode(row.public_key)),
                x=row.public_key,
                activated_at=row.activated_at,
                retired_at=row.retired_at,
            )
            for row in rows
        }
        with self.lock:
            self.keys = keys
            self.loaded_at = self.checked_at = time.monotonic()
            self.seen_version = seen
            self.version += 1

    def fresh(self) -> dict[str, PublicKey]:
        """Reload after HEALTHCARD_KEYRING_REFRESH_SECONDS, or within a second of another
        process announcing a change through the shared cache."""
        now = time.monotonic()
        if now - self.loaded_at > settings.HEALTHCARD_KEYRING_REFRESH_SECONDS:
            self.load()
        elif now - self.checked_at > VERSION_CHECK_SECONDS:
            self.checked_at = now
            if cache.get(KEYSET_VERSION_CACHE_KEY) != self.seen_version:
                self.load()
        return self.keys


_keyring = _Keyring()


def keyring_invalidate() -> None:
    """This process reloads the key set on its next use."""
    _keyring.loaded_at = float("-inf")


def keyset_changed() -> None:
    """Announce a change of the key set to every process (they reload within a second)."""
    cache.set(KEYSET_VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    keyring_invalidate()


def keyring_get(kid: str) -> PublicKey | None:
    """The public key for ``kid`` if it is published (not compromised, not retired too long)."""
    keys = _keyring.fresh()
    key = keys.get(kid)
    if key is None and time.monotonic() - _keyring.loaded_at > RELOAD_ON_UNKNOWN_KID_SECONDS:
        _keyring.load()
        key = _keyring.keys.get(kid)
    if key is None or not key.published(timezone.now()):
        return None
    return key


def keyring_published() -> list[PublicKey]:
    now = timezone.now()
    return [key for key in _keyring.fresh().values() if key.published(now)]


def keyring_version() -> int:
    _keyring.fresh()
    return _keyring.version
