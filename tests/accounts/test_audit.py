"""The audit log is append-only: in the model, the admin, and (PostgreSQL) the database."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from accounts.models import AuditEvent
from accounts.services import audit_event_record
from api.roles import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(citizen_user):
    return audit_event_record(action="login_failed", target_user=citizen_user, ip="192.0.2.1")


def test_model_refuses_update_and_delete(event):
    event.reason = "rewritten"

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_admin_offers_no_add_change_or_delete(event):
    superuser = UserFactory(role=Role.ADMIN, insuree=None, is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = site._registry[AuditEvent]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


@pytest.mark.postgres
def test_postgres_trigger_refuses_raw_update_and_delete(event):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")

    for sql in [
        "UPDATE accounts_auditevent SET reason = 'rewritten'",
        "DELETE FROM accounts_auditevent",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres
def test_postgres_trigger_refuses_queryset_update(event):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
