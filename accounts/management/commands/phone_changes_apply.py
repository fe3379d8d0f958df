"""``manage.py phone_changes_apply``: apply approved phone changes whose cooling-off is over
(the same service the Celery beat task calls)."""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.services.support import phone_changes_apply_due


class Command(BaseCommand):
    help = "Apply approved phone changes whose cooling-off period is over."

    def handle(self, *args: Any, **options: Any) -> None:
        applied = phone_changes_apply_due()
        self.stdout.write(f"Applied {applied} phone change(s).")
