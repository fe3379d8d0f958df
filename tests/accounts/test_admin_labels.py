"""The admin's support actions are labelled in the browser's language, per request."""

from __future__ import annotations

import pytest
from django.test import Client

from api.roles import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(settings) -> Client:
    settings.ADMIN_REQUIRE_2FA = False
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN, insuree=None, is_staff=True, is_superuser=True))
    return client


def test_action_labels_follow_accept_language(admin_client):
    english = admin_client.get("/admin/accounts/user/", HTTP_ACCEPT_LANGUAGE="en").content
    vietnamese = admin_client.get("/admin/accounts/user/", HTTP_ACCEPT_LANGUAGE="vi").content

    assert "Sign out of every device…".encode() in english
    assert "Mở khóa…".encode() not in english
    assert "Mở khóa…".encode() in vietnamese
