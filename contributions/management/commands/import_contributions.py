"""``manage.py import_contributions FILE [--partial] [--key KEY]``: the agency import, from a
shell, with a progress bar on stderr. Calls the same service as POST /api/v1/agency/imports."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.exceptions import ApplicationError
from contributions.services import declaration_import

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import a CSV of employer declarations (all or nothing unless --partial)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--partial", action="store_true", help="write the valid rows")
        parser.add_argument("--key", default=None, help="idempotency key")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()
        try:
            result = declaration_import(
                content=path.read_bytes(),
                file_name=path.name,
                idempotency_key=options["key"],
                partial=options["partial"],
                progress=self._progress,
            )
        except ApplicationError as error:
            sys.stderr.write("\n")
            for item in error.errors:
                self.stderr.write(
                    f"row {item['row']}: {item['field']}: {item['code']}: {item['detail']}"
                )
            raise CommandError(f"{error.code}: {error.detail}") from error
        sys.stderr.write("\n")
        declaration = result.declaration
        verb = "Already imported as" if result.replayed else "Imported as"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} declaration {declaration.pk}: {declaration.rows_written} rows written, "
                f"{declaration.rows_updated} updated, "
                f"{declaration.rows_existing} already on record, "
                f"{len(declaration.errors)} errors, in {time.monotonic() - started:.1f}s."
            )
        )
        for item in declaration.errors:
            self.stderr.write(
                f"row {item['row']}: {item['field']}: {item['code']}: {item['detail']}"
            )

    def _progress(self, stage: str, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        sys.stderr.write(f"\r{stage:<5} [{bar}] {done}/{total}")
        sys.stderr.flush()
