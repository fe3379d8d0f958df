"""``manage.py refresh_five_year_dates``: derive the five-year date of everyone with health
insurance records and store it on their cards. Imports do this for the people they touch;
this command is for records that arrived otherwise (a first load, a restored backup)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from contributions.selectors import health_insuree_ids
from contributions.services import five_year_dates_refresh


class Command(BaseCommand):
    help = "Store on every card the five-year date its holder's health records give."

    def handle(self, *args: Any, **options: Any) -> None:
        insuree_ids = health_insuree_ids()
        changed = five_year_dates_refresh(insuree_ids=insuree_ids)
        self.stdout.write(
            self.style.SUCCESS(f"{len(insuree_ids)} insurees checked, {changed} cards changed.")
        )
