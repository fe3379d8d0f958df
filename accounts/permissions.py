"""Permissions specific to accounts endpoints (the shared role classes are in api.permissions)."""

from __future__ import annotations

from api.permissions import IsSupportStaff
from api.roles import Role


class IsStaffMember(IsSupportStaff):
    """Any signed-in, active account that is not a citizen's (the same role check as the
    shared classes, with every staff role)."""

    roles = frozenset({Role.CLINIC, Role.SUPPORT, Role.AGENCY, Role.ADMIN})
