"""Verification codes: 12 characters of Crockford base32 (60 random bits), printed in three
groups of four (``7K3M-Q9TD-X2HF``). The alphabet has no I, L, O or U; when typed back, case,
spaces and hyphens are ignored and I/L read as 1, O as 0, as Crockford's decoding says."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
_TYPED = str.maketrans({"I": "1", "L": "1", "O": "0"})


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_display(code: str) -> str:
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def code_normalise(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one."""
    text = "".join(typed.split()).replace("-", "").upper().translate(_TYPED)
    if len(text) != LENGTH or any(char not in ALPHABET for char in text):
        return None
    return text
