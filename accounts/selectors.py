"""Reads about people and accounts."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.identifiers import (
    mask_phone,
    normalize_phone,
    validate_national_id,
    validate_social_insurance_number,
)
from accounts.lockout import account_lock_keys, lockout_remaining_many
from accounts.models import (
    AuditEvent,
    Gender,
    HouseholdRelation,
    Insuree,
    PhoneChangeRequest,
    Province,
    Session,
    User,
)
from api.roles import Role


def identifier_kind(*, value: str) -> str | None:
    """``"social_insurance_number"`` or ``"national_id"`` when ``value`` is a well-formed one
    (checked by the validators of ``accounts.identifiers``), else None. Other apps use this
    instead of checking identifiers themselves."""
    for kind, validate in (
        ("social_insurance_number", validate_social_insurance_number),
        ("national_id", validate_national_id),
    ):
        try:
            validate(value)
        except ValidationError:
            continue
        return kind
    return None


def insuree_get_by_identifier(*, identifier: str) -> Insuree | None:
    """Find an insuree by social insurance number (10 digits) or national ID (12 digits)."""
    kind = identifier_kind(value=identifier)
    if kind is None:
        return None
    return Insuree.objects.filter(**{kind: identifier}).first()


def household_members(*, insuree: Insuree) -> QuerySet[Insuree]:
    """The insuree and everyone registered in the same household."""
    if insuree.household_id is None:
        return Insuree.objects.filter(pk=insuree.pk)
    return Insuree.objects.filter(household_id=insuree.household_id).order_by("date_of_birth")


def user_find_by_identifier(*, identifier: str) -> User | None:
    """A login by staff username, social insurance number (a citizen's username) or national
    ID. Each is one lookup through a unique index; a single query with ``username = x OR
    insuree.national_id = x`` cannot use either index across the join and reads every
    account (tests/accounts/test_login_lookup.py)."""
    users = User.objects.select_related("insuree").order_by()
    found = list(users.filter(username=identifier)[:1])
    if not found and identifier_kind(value=identifier) == "national_id":
        found = list(users.filter(insuree__national_id=identifier)[:1])
    return found[0] if found else None


def user_ids_by_insuree_ids(*, insuree_ids: list[int]) -> dict[int, object]:
    """Map insuree id -> user id for those insurees that have an account."""
    return dict(
        User.objects.filter(insuree_id__in=insuree_ids, is_active=True).values_list(
            "insuree_id", "id"
        )
    )


ADULT_AGE = 18


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


GENDERS = Gender.choices
# Every value ``household_member_relation`` answers.
VIEWER_RELATIONS = (
    "self", "spouse", "child", "parent", "sibling", "grandchild", "grandparent", "other",
)  # fmt: skip


def household_member_relation(*, viewer: Insuree, member: Insuree) -> str:
    """The member's relation to the viewer: self, spouse, child, parent, sibling, grandchild,
    grandparent or other. Derived from each one's relation to the head of the household."""
    if viewer.pk == member.pk:
        return "self"
    if viewer.household_id is None or viewer.household_id != member.household_id:
        return "other"
    return _RELATION_TO_VIEWER.get((viewer.household_relation, member.household_relation), "other")


_H = HouseholdRelation
_RELATION_TO_VIEWER: dict[tuple[str, str], str] = {
    (_H.HEAD, _H.SPOUSE): "spouse",
    (_H.HEAD, _H.CHILD): "child",
    (_H.HEAD, _H.PARENT): "parent",
    (_H.HEAD, _H.SIBLING): "sibling",
    (_H.HEAD, _H.GRANDCHILD): "grandchild",
    (_H.SPOUSE, _H.HEAD): "spouse",
    (_H.SPOUSE, _H.CHILD): "child",
    (_H.SPOUSE, _H.GRANDCHILD): "grandchild",
    (_H.CHILD, _H.HEAD): "parent",
    (_H.CHILD, _H.SPOUSE): "parent",
    (_H.CHILD, _H.CHILD): "sibling",
    (_H.CHILD, _H.PARENT): "grandparent",
    (_H.PARENT, _H.HEAD): "child",
    (_H.PARENT, _H.GRANDCHILD): "grandchild",
    (_H.GRANDCHILD, _H.HEAD): "grandparent",
    (_H.GRANDCHILD, _H.SPOUSE): "grandparent",
}


def household_dependents(*, insuree: Insuree, today: date | None = None) -> list[Insuree]:
    """Household members the insuree may act for in the app: their minor children."""
    day = today or timezone.localdate()
    if insuree.household_id is None:
        return []
    return [
        member
        for member in household_members(insuree=insuree)
        if household_member_relation(viewer=insuree, member=member) == "child"
        and _age_on(member.date_of_birth, day) < ADULT_AGE
    ]


def access_insuree_for_viewer(*, viewer: Insuree, public_id: object | None) -> Insuree:
    """The viewer themself (no id, or their own id) or one of their minor children.
    Anyone else, existing or not, is 404: the answer never tells which."""
    if public_id is None or str(public_id) == str(viewer.public_id):
        return viewer
    for dependent in household_dependents(insuree=viewer):
        if str(dependent.public_id) == str(public_id):
            return dependent
    raise Http404


# --- Sessions, support, audit ----------------------------------------------------------------


def session_list_for_user(*, user: User) -> QuerySet[Session]:
    """The user's sessions still alive, newest first."""
    return Session.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-id")


def access_session_for_user(*, user: User, session_id: object) -> Session:
    """One of the user's own live sessions; anyone else's, or a malformed id, is 404."""
    try:
        session_uuid = uuid.UUID(str(session_id))
    except ValueError:
        raise Http404 from None
    session = session_list_for_user(user=user).filter(pk=session_uuid).first()
    if session is None:
        raise Http404
    return session


def support_account_search(*, query: str) -> QuerySet[User]:
    """Citizens' accounts matching exactly a social insurance number, national ID or phone."""
    query = query.strip()
    accounts = User.objects.select_related("insuree").filter(role=Role.CITIZEN)
    condition = Q(insuree__social_insurance_number=query) | Q(insuree__national_id=query)
    with contextlib.suppress(ValidationError):
        condition |= Q(insuree__phone=normalize_phone(query))
    if not query:
        return accounts.none()
    return accounts.filter(condition).order_by("username")


def access_account_for_support(*, account_id: object) -> User:
    """A citizen's account by id; staff accounts and malformed ids are 404."""
    try:
        account_uuid = uuid.UUID(str(account_id))
    except ValueError:
        raise Http404 from None
    user = User.objects.select_related("insuree").filter(pk=account_uuid, role=Role.CITIZEN).first()
    if user is None:
        raise Http404
    return user


def _uuid_or_404(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def access_phone_change_for_support(*, change_id: object) -> PhoneChangeRequest:
    change = (
        PhoneChangeRequest.objects.select_related("user").filter(pk=_uuid_or_404(change_id)).first()
    )
    if change is None:
        raise Http404
    return change


def access_phone_change_for_citizen(*, user: User, change_id: object) -> PhoneChangeRequest:
    change = (
        PhoneChangeRequest.objects.select_related("user")
        .filter(pk=_uuid_or_404(change_id), user=user)
        .first()
    )
    if change is None:
        raise Http404
    return change


def phone_change_list(
    *, user: User | None = None, pending: bool = False
) -> QuerySet[PhoneChangeRequest]:
    changes = PhoneChangeRequest.objects.select_related("user", "requested_by", "approved_by")
    if user is not None:
        changes = changes.filter(user=user)
    if pending:
        changes = changes.filter(cancelled_at__isnull=True, applied_at__isnull=True)
    return changes.order_by("-created_at", "-id")


def audit_event_list(*, target_user_id: object | None = None) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "target_user")
    if target_user_id is not None:
        events = events.filter(target_user_id=_uuid_or_404(target_user_id))
    return events.order_by("-occurred_at", "-id")


def account_locked_for(*, users: list[User]) -> dict[object, int]:
    """Seconds each account stays locked (0 when not locked), in one cache round trip."""
    keys = {user.pk: account_lock_keys(user) for user in users}
    remaining = lockout_remaining_many(sorted({k for ks in keys.values() for k in ks}))
    return {pk: max((remaining[k] for k in ks), default=0) for pk, ks in keys.items()}


def access_household_member(*, viewer: Insuree, public_id: object) -> Insuree:
    """A member of the viewer's own household (the viewer included); anyone else is 404."""
    try:
        member_uuid = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    member = household_members(insuree=viewer).filter(public_id=member_uuid).first()
    if member is None:
        raise Http404
    return member


def user_profile_get(*, user_id: uuid.UUID | str) -> User:
    """The signed-in user with what their profile shows (insuree, province, household)."""
    return User.objects.select_related("insuree__province", "insuree__household").get(pk=user_id)


def insuree_ids_by_identifier(*, identifiers: list[str], chunk: int = 5000) -> dict[str, int]:
    """Map identifier -> insuree id for many identifiers at once (imports): 10 digits are a
    social insurance number, 12 a national ID; one query per chunk of each kind."""
    found: dict[str, int] = {}
    for column, size in (("social_insurance_number", 10), ("national_id", 12)):
        wanted = [value for value in identifiers if len(value) == size]
        for start in range(0, len(wanted), chunk):
            found.update(
                Insuree.objects.filter(
                    **{f"{column}__in": wanted[start : start + chunk]}
                ).values_list(column, "id")
            )
    return found


def insuree_card_facts(*, insuree_ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, social insurance number, province code) of each insuree, streamed in chunks: what
    issuing synthetic health cards in bulk needs."""
    rows = Insuree.objects.filter(pk__in=insuree_ids).values_list(
        "pk", "social_insurance_number", "province_id"
    )
    return rows.iterator(chunk_size=5000)


def citizen_accounts_page(
    *,
    after: str = "",
    limit: int,
    province: str | None = None,
    born_after: date | None = None,
    born_on_or_before: date | None = None,
    insuree_ids: QuerySet[Any] | None = None,
) -> list[tuple[Any, int]]:
    """Active citizen accounts as (user id, insuree id), ordered by user id after ``after``
    (a keyset page, for campaigns). ``insuree_ids`` is a subquery of insuree ids."""
    users = User.objects.filter(role=Role.CITIZEN, is_active=True, insuree__isnull=False)
    if after:
        users = users.filter(pk__gt=uuid.UUID(after))
    if province:
        users = users.filter(insuree__province_id=province)
    if born_after:
        users = users.filter(insuree__date_of_birth__gt=born_after)
    if born_on_or_before:
        users = users.filter(insuree__date_of_birth__lte=born_on_or_before)
    if insuree_ids is not None:
        users = users.filter(insuree_id__in=insuree_ids)
    return list(users.order_by("pk").values_list("pk", "insuree_id")[:limit])


def province_exists(*, code: str) -> bool:
    return Province.objects.filter(pk=code).exists()


def audit_event_list_for_account(*, user: User) -> QuerySet[AuditEvent]:
    """Events about the account or its person (card actions name the person only), newest
    first."""
    condition = Q(target_user_id=user.pk)
    if user.insuree_id is not None:
        condition |= Q(target_insuree_id=user.insuree_id)
    return (
        AuditEvent.objects.select_related("actor").filter(condition).order_by("-occurred_at", "-id")
    )


def phone_hint(*, phone: str | None) -> str:
    """A phone number as staff screens show it: ``+84 91*****78``."""
    return mask_phone(phone) or ""


def phone_normalized(*, value: str) -> str | None:
    """A typed Vietnamese mobile number in E.164, or None when it is not one."""
    try:
        return normalize_phone(value)
    except ValidationError:
        return None
