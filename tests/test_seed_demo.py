"""``seed_demo`` creates the documented logins and is idempotent."""

from __future__ import annotations

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core import serializers
from django.core.management import call_command

from accounts.identifiers import national_id_matches
from accounts.models import HouseholdRelation, Insuree, User
from api.demo import DEMO_PASSWORD
from api.roles import Role

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "contributions", "healthcards", "notifications")


def snapshot() -> dict[str, str]:
    """A digest of every row of our apps, so 'changes nothing' is checked literally."""
    digests = {}
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            rows = serializers.serialize("json", model.objects.order_by("pk"))
            digests[model._meta.label] = hashlib.sha256(rows.encode()).hexdigest()
    return digests


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_twice_changes_nothing():
    seed()
    first = snapshot()

    seed()

    assert snapshot() == first


def test_demo_logins_work_with_the_documented_password():
    output = seed()

    for username in [
        "0123456789",
        "0123456790",
        "clinic.demo",
        "support.demo",
        "agency.demo",
        "admin",
    ]:
        assert username in output
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="clinic.demo").clinic_operator.facility.code == "01001"
    assert User.objects.get(username="support.demo").role == Role.SUPPORT
    assert User.objects.get(username="agency.demo").role == Role.AGENCY


def test_demo_household_of_three():
    seed()

    citizen = Insuree.objects.get(social_insurance_number="0123456789")
    assert citizen.national_id == "001190012345"
    assert citizen.date_of_birth == date(1990, 5, 12)
    assert citizen.gender == "female"
    members = {m.social_insurance_number: m for m in citizen.household.members.all()}
    assert set(members) == {"0123456789", "0123456790", "0123456791"}
    husband, child = members["0123456790"], members["0123456791"]
    assert husband.household_relation == HouseholdRelation.SPOUSE
    assert husband.user.username == "0123456790"
    assert child.household_relation == HouseholdRelation.CHILD
    assert not User.objects.filter(insuree=child).exists()
    assert (date(2026, 11, 22) - child.date_of_birth).days < 6 * 365
    for member in members.values():
        assert national_id_matches(
            member.national_id, date_of_birth=member.date_of_birth, gender=member.gender
        )


def test_synthetic_citizens_are_added_on_each_call():
    seed()
    before = Insuree.objects.count()

    seed("--citizens", "30")
    seed("--citizens", "20")

    synthetic = Insuree.objects.filter(social_insurance_number__startswith="9")
    assert Insuree.objects.count() == before + 50
    assert synthetic.count() == 50
    assert User.objects.filter(insuree__in=synthetic).count() == 50
    for person in synthetic:
        person.full_clean()
        assert national_id_matches(
            person.national_id, date_of_birth=person.date_of_birth, gender=person.gender
        )


def test_the_demo_citizen_has_a_console_device_and_an_inbox():
    from notifications.models import Device, Notification

    seed()
    citizen = User.objects.get(username="0123456789")

    assert Device.objects.filter(user=citizen, is_active=True).count() == 1
    notes = Notification.objects.filter(user=citizen)
    assert notes.count() == 4
    assert notes.filter(read_at__isnull=True).count() == 2
    assert {note.category for note in notes} == {
        "contributions",
        "benefits",
        "security",
        "campaign",
    }
