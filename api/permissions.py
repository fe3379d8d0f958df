"""Role-based permission classes. A role answers "may this kind of user call this endpoint";
whether a given object is theirs is decided by the access gates in each app's selectors."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.roles import Role


class _HasRole(BasePermission):
    roles: frozenset[str] = frozenset()

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user is not None
            and user.is_authenticated
            and getattr(user, "is_active", False)
            and getattr(user, "role", None) in self.roles
        )


class IsCitizen(_HasRole):
    roles = frozenset({Role.CITIZEN})


class IsClinicOperator(_HasRole):
    roles = frozenset({Role.CLINIC})


class IsSupportStaff(_HasRole):
    roles = frozenset({Role.SUPPORT, Role.ADMIN})


class IsAgencyStaff(_HasRole):
    roles = frozenset({Role.AGENCY, Role.ADMIN})
