"""``manage.py seed_demo [--citizens N]``: demo people and data, idempotently."""

from __future__ import annotations

import importlib
import random
import time
from types import ModuleType
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from api.demo import DEMO_PASSWORD, DemoContext


def _demo_modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
    return modules


class Command(BaseCommand):
    help = "Create the demo logins and their data (idempotent); optionally N synthetic citizens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--citizens",
            type=int,
            default=0,
            help="Also add this many synthetic citizens with years of history.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        ctx = DemoContext(
            today=timezone.localdate(),
            rng=random.Random(options["seed"]),  # noqa: S311 - reproducible demo data
            log=lambda message: self.stdout.write(message),
            password_hash=make_password(DEMO_PASSWORD),
        )
        modules = _demo_modules()
        with transaction.atomic():
            for module in modules:
                if hasattr(module, "seed_demo"):
                    module.seed_demo(ctx)
            for module in modules:
                if hasattr(module, "seed_demo_after"):
                    module.seed_demo_after(ctx)
        if options["citizens"] > 0:
            self._seed_synthetic(ctx, modules, options["citizens"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s.")
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, what in ctx.logins:
            self.stdout.write(f"  {username:<16} {what}")

    def _seed_synthetic(self, ctx: DemoContext, modules: list[ModuleType], count: int) -> None:
        from accounts.demo import synthetic_citizens_create

        with transaction.atomic():
            insuree_ids = synthetic_citizens_create(ctx, count)
            for module in modules:
                if hasattr(module, "seed_synthetic"):
                    module.seed_synthetic(ctx, insuree_ids)
        ctx.log(f"Added {len(insuree_ids)} synthetic citizens.")
