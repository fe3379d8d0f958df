"""Each role class admits its roles only, and never an inactive or anonymous user."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from api.permissions import IsAgencyStaff, IsCitizen, IsClinicOperator, IsSupportStaff
from api.roles import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMITTED = {
    IsCitizen: {Role.CITIZEN},
    IsClinicOperator: {Role.CLINIC},
    IsSupportStaff: {Role.SUPPORT, Role.ADMIN},
    IsAgencyStaff: {Role.AGENCY, Role.ADMIN},
}


def request_as(user) -> Request:
    raw = APIRequestFactory().get("/")
    force_authenticate(raw, user=user)
    request = Request(raw)
    request.user = user
    return request


@pytest.mark.parametrize("permission", list(ADMITTED))
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(permission, role):
    user = UserFactory(role=role) if role == Role.CITIZEN else UserFactory(role=role, insuree=None)

    allowed = permission().has_permission(request_as(user), view=None)

    assert allowed is (role in ADMITTED[permission])


@pytest.mark.parametrize("permission", list(ADMITTED))
def test_inactive_and_anonymous_users_are_refused(permission):
    role = next(iter(ADMITTED[permission]))
    inactive = UserFactory(
        role=role, is_active=False, **({} if role == Role.CITIZEN else {"insuree": None})
    )

    assert permission().has_permission(request_as(inactive), view=None) is False
    assert permission().has_permission(request_as(AnonymousUser()), view=None) is False
