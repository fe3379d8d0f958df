"""The daily prune deletes what only grows: expired tokens, old sessions and OTP challenges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import OtpChallenge, Session
from accounts.tasks import accounts_prune
from tests.accounts.conftest import login
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_prune_deletes_expired_and_old_rows_only(api_client):
    # Given two logins, one rotated, and then one of them long expired and revoked
    old_user, fresh_user = UserFactory(), UserFactory()
    old = login(api_client, old_user.username).json()
    api_client.post("/api/v1/auth/token/refresh", {"refresh": old["refresh"]})
    login(api_client, fresh_user.username)
    long_ago = timezone.now() - timedelta(days=400)
    OutstandingToken.objects.filter(user=old_user).update(expires_at=long_ago)
    Session.objects.filter(user=old_user).update(revoked_at=long_ago)
    now = timezone.now()
    OtpChallenge.objects.create(
        purpose="activation", code_hash="x", expires_at=now - timedelta(days=2)
    )
    OtpChallenge.objects.create(purpose="activation", code_hash="y", expires_at=now)

    # When the daily task runs
    counts = accounts_prune()

    # Then only the expired and old rows are gone
    assert counts["tokens"] >= 2
    assert counts["sessions"] == 1
    assert counts["otp_challenges"] == 1
    assert not OutstandingToken.objects.filter(user=old_user).exists()
    assert not BlacklistedToken.objects.exists()
    assert OutstandingToken.objects.filter(user=fresh_user).count() == 1
    assert Session.objects.filter(user=fresh_user).count() == 1
    assert OtpChallenge.objects.count() == 1


def test_prune_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-prune"]

    assert entry["task"] == "accounts.tasks.accounts_prune"
    assert entry["schedule"] == timedelta(days=1)
    assert "accounts-phone-changes-apply" in settings.CELERY_BEAT_SCHEDULE
