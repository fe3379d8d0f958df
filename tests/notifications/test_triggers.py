"""What tells a citizen something: security events, contributions posted, benefits paid,
cards expiring, employer arrears. Each speaks vi and en through its kind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from contributions.notices import arrears_cutoff, employer_arrears_notify
from contributions.services import benefit_payment_record
from healthcards.services.cards import cards_expiring_notify
from notifications.models import Notification
from tests.accounts.conftest import PASSWORD, bearer
from tests.accounts.factories import UserFactory
from tests.contributions.factories import ContributionRecordFactory, EmployerFactory
from tests.healthcards.factories import HealthCardFactory
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    return user


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def _login(user, agent: str) -> dict[str, str]:
    r = APIClient().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        format="json",
        HTTP_USER_AGENT=agent,
    )
    assert r.status_code == 200, r.json()
    return r.json()


# --- security --------------------------------------------------------------------------------


def test_a_sign_in_from_a_new_device_is_a_security_notice(account, committed, pushed):
    DeviceFactory(user=account, token="old-phone")
    _login(account, "VSS/3.1 (Pixel 8)")
    assert _kinds(account) == [], "a first sign-in is not news"

    with committed():
        _login(account, "VSS/3.1 (Pixel 8)")
    assert _kinds(account) == [], "the same device again is not news"

    with committed():
        _login(account, "VSS/3.1 (iPhone 15)")

    assert _kinds(account) == ["security_new_login"]
    [message] = pushed.sent
    assert message.token == "old-phone"
    assert message.title == "Tài khoản của bạn vừa được đăng nhập trên thiết bị mới"
    assert "iPhone 15" in message.body


def test_a_password_change_is_a_security_notice_and_reaches_sms_without_device(
    account, committed, sms_outbox
):
    tokens = _login(account, "VSS/3.1")
    client = bearer(tokens["access"])

    with committed():
        r = client.post(
            "/api/v1/auth/password/change",
            {"old_password": PASSWORD, "new_password": "Một-mật-khẩu-mới-2026"},
            format="json",
        )

    assert r.status_code in {200, 204}, r.content
    assert _kinds(account) == ["security_password_changed"]
    [(phone, text)] = sms_outbox
    assert phone == account.insuree.phone
    assert "Mật khẩu của bạn đã được thay đổi" in text


def test_support_unlock_and_reset_are_security_notices(
    account, support_client, committed, pushed, sms_outbox
):
    DeviceFactory(user=account, token="phone")
    base = f"/api/v1/support/accounts/{account.pk}"

    with committed():
        unlock = support_client.post(f"{base}/unlock", {"reason": "Called in"}, format="json")
    assert unlock.status_code in {200, 204}, unlock.content
    assert [m.title for m in pushed.sent] == ["Tài khoản của bạn đã được mở khóa"]

    with committed():
        reset = support_client.post(f"{base}/reset", {"reason": "Lost phone"}, format="json")
    assert reset.status_code == 200, reset.json()
    assert sorted(_kinds(account)) == ["security_account_reset", "security_account_unlocked"]
    # the reset ended every session and device: the notice waits in the inbox, and the phone
    # on file gets the reset code only (no second SMS)
    assert len(pushed.sent) == 1
    assert len(sms_outbox) == 1


# --- contributions, benefits -----------------------------------------------------------------


def test_a_paid_benefit_is_announced(citizen, committed, pushed):
    DeviceFactory(user=citizen)
    with committed():
        payment = benefit_payment_record(
            insuree_id=citizen.insuree_id,
            kind="sickness",
            period_from=date(2026, 10, 1),
            period_to=date(2026, 10, 5),
            amount=1_250_000,
            paid_on=date(2026, 11, 10),
            method="bank",
            decision_number="123/QĐ-BHXH",
        )
    [note] = Notification.objects.filter(user=citizen)
    assert note.kind == "benefit_paid"
    assert note.data["benefit_id"] == payment.pk
    assert note.insuree_id == citizen.insuree_id
    assert (
        pushed.sent[0].body
        == "Khoản chi trả chế độ 1.250.000 đồng đã được thực hiện ngày 10/11/2026."
    )


def test_a_pending_benefit_is_not_announced(citizen):
    benefit_payment_record(
        insuree_id=citizen.insuree_id,
        kind="sickness",
        period_from=date(2026, 10, 1),
        period_to=date(2026, 10, 5),
        amount=1_250_000,
        paid_on=date(2026, 11, 10),
        method="bank",
        decision_number="124/QĐ-BHXH",
        status="pending",
    )
    assert not Notification.objects.exists()


def test_arrears_cutoff_counts_30_days_after_the_month_ends():
    assert arrears_cutoff(date(2026, 11, 10)) == date(2026, 9, 1)  # Oct ended 10 days ago
    assert arrears_cutoff(date(2026, 10, 31)) == date(2026, 9, 1)  # Sep ended 31 days ago
    assert arrears_cutoff(date(2026, 10, 30)) == date(2026, 9, 1)  # Sep ended 30 days ago
    assert arrears_cutoff(date(2026, 10, 29)) == date(2026, 8, 1)  # Sep ended 29 days ago


def test_employer_arrears_are_told_once_per_month_per_employer(citizen, committed, pushed):
    DeviceFactory(user=citizen)
    late, punctual = EmployerFactory(name="Công ty Chậm Đóng"), EmployerFactory()
    for month in (date(2026, 8, 1), date(2026, 9, 1)):
        ContributionRecordFactory(
            insuree=citizen.insuree, employer=late, month=month, status="owed"
        )
    ContributionRecordFactory(  # owed, but not yet 30 days
        insuree=citizen.insuree, employer=late, month=date(2026, 10, 1), status="owed"
    )
    ContributionRecordFactory(insuree=citizen.insuree, employer=punctual, month=date(2026, 8, 1))
    UserFactory()  # nothing owed

    with committed():
        assert employer_arrears_notify(today=date(2026, 11, 10)) == 1
        assert employer_arrears_notify(today=date(2026, 11, 10)) == 0  # same month: once

    [note] = Notification.objects.filter(user=citizen)
    assert note.kind == "employer_arrears"
    assert note.data["since"] == "2026-08-01"
    assert note.data["amount"] == 2 * (800_000 + 1_750_000)
    assert pushed.sent[0].body.startswith("Công ty Chậm Đóng chưa đóng bảo hiểm cho bạn từ 01/08")
    assert employer_arrears_notify(today=date(2026, 12, 10)) == 1  # a new month: told again


# --- health cards ----------------------------------------------------------------------------


def test_a_card_expiring_in_30_days_is_told_once_per_expiry(citizen, committed, pushed):
    DeviceFactory(user=citizen)
    today = timezone.localdate()
    card = HealthCardFactory(insuree=citizen.insuree, valid_to=today + timedelta(days=30))
    later = HealthCardFactory(
        insuree=UserFactory().insuree,
        valid_to=today + timedelta(days=31),
        registered_facility=card.registered_facility,
    )
    HealthCardFactory(
        insuree=UserFactory().insuree,
        valid_to=today + timedelta(days=5),
        status="suspended",
        registered_facility=card.registered_facility,
    )

    with committed():
        assert cards_expiring_notify() == 1
        assert cards_expiring_notify() == 0  # once per card per expiry

    [note] = Notification.objects.all()
    assert (note.user_id, note.kind) == (citizen.pk, "healthcard_expiring")
    assert note.category == "healthcard"
    assert pushed.sent[0].title == "Thẻ BHYT của bạn sắp hết hạn"

    # the next day, the other card enters the window; this one is not told again
    assert cards_expiring_notify(today=today + timedelta(days=1)) == 1
    assert Notification.objects.filter(user=later.insuree.user).count() == 1
    assert Notification.objects.filter(user=citizen).count() == 1

    # renewed, then nearing its new expiry: told again
    card.valid_to = today + timedelta(days=400)
    card.save()
    assert cards_expiring_notify(today=today + timedelta(days=380)) == 1


def test_a_contributions_import_tells_each_citizen_once(agency_client, citizen, committed, pushed):
    from tests.contributions.test_api_imports import csv_of, good_rows, upload

    EmployerFactory(code="TA0101A")
    DeviceFactory(user=citizen)
    with committed():
        r = upload(agency_client, csv_of(*good_rows(citizen.insuree.social_insurance_number)))

    assert r.status_code == 201, r.json()
    assert _kinds(citizen) == ["contributions_posted"]
    assert [m.title for m in pushed.sent] == ["Quá trình đóng bảo hiểm đã được cập nhật"]
