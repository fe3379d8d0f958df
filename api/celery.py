"""The Celery app. Tasks load their objects by id and call a service; see each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings.base")

app = Celery("vss")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
