"""Reads about people and accounts."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import HouseholdRelation, Insuree, User


def insuree_get_by_identifier(*, identifier: str) -> Insuree | None:
    """Find an insuree by social insurance number (10 digits) or national ID (12 digits)."""
    if len(identifier) == 10:
        return Insuree.objects.filter(social_insurance_number=identifier).first()
    if len(identifier) == 12:
        return Insuree.objects.filter(national_id=identifier).first()
    return None


def household_members(*, insuree: Insuree) -> QuerySet[Insuree]:
    """The insuree and everyone registered in the same household."""
    if insuree.household_id is None:
        return Insuree.objects.filter(pk=insuree.pk)
    return Insuree.objects.filter(household_id=insuree.household_id).order_by("date_of_birth")


def user_find_by_identifier(*, identifier: str) -> User | None:
    """A login by staff username, social insurance number or national ID."""
    return (
        User.objects.select_related("insuree")
        .filter(Q(username=identifier) | Q(insuree__national_id=identifier))
        .first()
    )


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
