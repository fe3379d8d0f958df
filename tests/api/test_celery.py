"""The Celery app runs real tasks through a real Redis broker (not only eagerly)."""

from __future__ import annotations

import pytest
from django.conf import settings

from api.celery import app


def test_tasks_run_eagerly_without_a_broker():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True


@pytest.mark.redis
def test_a_worker_consumes_tasks_from_redis(celery_redis_worker):
    result = app.send_task("celery.ping")

    assert result.get(timeout=10) == "pong"


def test_json_only_serialization():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True


@pytest.mark.redis
def test_worker_after_eager_use_in_the_same_thread(request):
    # Earlier tests ran tasks eagerly in this thread, caching a disabled result backend.
    assert app.backend is not None

    request.getfixturevalue("celery_redis_worker")

    assert app.send_task("celery.ping").get(timeout=10) == "pong"
