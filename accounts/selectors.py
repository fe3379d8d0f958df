"""Reads about people and accounts."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Insuree, User


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
