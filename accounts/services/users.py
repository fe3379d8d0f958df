"""Changes to what a login may do (role, active, password set by staff): each ends its sessions.

Access tokens carry the role in their claims and are honoured without a user query
(``accounts.authentication``), so a change of role or a deactivation must end the sessions
that carry the old claims; the next sign-in issues tokens with the new ones.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Session, User
from accounts.services.audit import audit_event_record
from accounts.services.sessions import sessions_revoke

ACCESS_FIELDS = ("role", "is_active", "password")


@transaction.atomic
def user_access_changed(
    *, user: User, changed: list[str], acting_user: User | None = None, ip: str | None = None
) -> int:
    """Record that ``changed`` fields of ``user`` (already saved) changed, and end every
    session when one of them is the role, the active flag or the password."""
    fields = sorted(set(changed) & set(ACCESS_FIELDS))
    if not fields:
        return 0
    ended = sessions_revoke(sessions=Session.objects.filter(user=user), reason="access_changed")
    audit_event_record(
        action="user_access_changed",
        actor=acting_user,
        target_user=user,
        ip=ip,
        data={"fields": fields, "sessions_ended": ended, "role": user.role},
    )
    return ended


@transaction.atomic
def user_access_update(
    *,
    user: User,
    role: str | None = None,
    is_active: bool | None = None,
    acting_user: User | None = None,
    ip: str | None = None,
) -> int:
    """Change a login's role and/or active flag; ends its sessions when either changes."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    if role is not None and role != locked.role:
        locked.role = role
        changed.append("role")
    if is_active is not None and is_active != locked.is_active:
        locked.is_active = is_active
        changed.append("is_active")
    if not changed:
        return 0
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=[*changed, "updated_at"])
    return user_access_changed(user=locked, changed=changed, acting_user=acting_user, ip=ip)
