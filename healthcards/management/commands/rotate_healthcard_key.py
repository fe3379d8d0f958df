"""``manage.py rotate_healthcard_key [--compromised=KID] [--key-file PATH]``.

Key ids are base64url and may start with ``-``: pass them as ``--compromised=KID``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healthcards.models import HealthCardSigningKey
from healthcards.services.keys import signing_key_mark_compromised, signing_key_rotate


class Command(BaseCommand):
    help = (
        "Make a new health-card signing key current (the private key goes to "
        "HEALTHCARD_SIGNING_KEY_FILE or --key-file). QRs signed by the previous key stay "
        "verifiable until they expire. With --compromised=KID, withdraw that key at once: "
        "everything it signed stops verifying; if it was current, a new key replaces it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--compromised", metavar="KID", help="Withdraw this key now (write --compromised=KID)."
        )
        parser.add_argument("--key-file", type=Path, help="Write the new private key here.")

    def handle(self, *args: Any, **options: Any) -> None:
        kid = options["compromised"]
        if kid:
            if not HealthCardSigningKey.objects.filter(kid=kid).exists():
                raise CommandError(f"No signing key {kid}.")
            was_current = HealthCardSigningKey.objects.filter(
                kid=kid, retired_at__isnull=True
            ).exists()
            signing_key_mark_compromised(kid=kid)
            self.stdout.write(f"Key {kid} withdrawn: its QRs no longer verify.")
            if not was_current:
                return
        try:
            row = signing_key_rotate(key_file=options["key_file"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Key {row.kid} is now current."))
