"""The Django project and the HTTP conventions every app shares."""

from api.celery import app as celery_app

__all__ = ["celery_app"]
