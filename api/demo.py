"""The contract between ``manage.py seed_demo`` and each app's ``demo.py``.

Every app may ship a ``demo.py`` with two functions, called in INSTALLED_APPS order inside
one transaction:

- ``seed_demo(ctx)``: the fixed demo people and their data, idempotent (a second run
  changes nothing: look up by natural key before creating).
- ``seed_demo_after(ctx)``: runs once every app's ``seed_demo`` has, for apps that add to
  other apps' demo people without importing them (notifications: the demo citizen's device
  and inbox); idempotent too.
- ``seed_synthetic(ctx, insuree_ids)``: data for synthetic citizens just created by
  ``--citizens N``; use bulk operations, N may be 100,000.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - published demo password, documented in README


@dataclass
class DemoContext:
    today: date
    rng: random.Random
    log: Callable[[str], None]
    password_hash: str
    logins: list[tuple[str, str]] = field(default_factory=list)
