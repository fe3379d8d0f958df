"""What support staff do to citizens' accounts. Every action takes a reason and is audited
in its own transaction; staff never see or set a password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.error_codes import AccountsErrorCode
from accounts.identifiers import mask_phone
from accounts.lockout import account_lock_keys, lockout_clear
from accounts.models import OtpPurpose, PhoneChangeRequest, Session, User
from accounts.services.audit import audit_event_record
from accounts.services.otp import otp_challenge_send
from accounts.services.sessions import sessions_revoke
from accounts.sms import sms_queue
from api.exceptions import ApplicationError
from notifications.services import Kind, devices_deactivate_for_user, notification_send


@transaction.atomic
def account_unlock_by_support(
    *, acting_user: User, user: User, reason: str, ip: str | None = None
) -> None:
    keys = account_lock_keys(user)
    audit_event_record(
        action="support_account_unlocked",
        actor=acting_user,
        target_user=user,
        target_insuree=user.insuree,
        reason=reason,
        ip=ip,
    )

    def clear() -> None:
        for key in keys:
            lockout_clear(key)

    transaction.on_commit(clear)
    notification_send(
        user_id=user.pk,
        kind=Kind.SECURITY_ACCOUNT_UNLOCKED,
        data={"at": timezone.now().isoformat()},
    )


@transaction.atomic
def account_sessions_revoke_by_support(
    *, acting_user: User, user: User, reason: str, ip: str | None = None
) -> int:
    ended = sessions_revoke(sessions=Session.objects.filter(user=user), reason="support")
    audit_event_record(
        action="support_sessions_revoked",
        actor=acting_user,
        target_user=user,
        target_insuree=user.insuree,
        reason=reason,
        ip=ip,
        data={"sessions_ended": ended},
    )
    return ended


@transaction.atomic
def account_reset_by_support(
    *, acting_user: User, user: User, reason: str, ip: str | None = None
) -> str:
    """End every session, make the password unusable and send a reset code to the phone on
    file (the citizen then sets a password with auth/password/reset/verify). Returns the
    masked phone the code went to."""
    insuree = User.objects.select_for_update().get(pk=user.pk).insuree
    if insuree is None or not insuree.phone:
        raise ApplicationError(
            code=AccountsErrorCode.INSUREE_NOT_FOUND,
            detail=_("This account has no phone on file to send a code to."),
            status_code=status.HTTP_409_CONFLICT,
        )
    ended = sessions_revoke(sessions=Session.objects.filter(user=user), reason="support_reset")
    devices_deactivate_for_user(user_id=user.pk, reason="support_reset")
    user.set_unusable_password()
    user.save(update_fields=["password", "updated_at"])
    started = otp_challenge_send(purpose=OtpPurpose.PASSWORD_RESET, insuree=insuree, ip=ip)
    audit_event_record(
        action="support_account_reset",
        actor=acting_user,
        target_user=user,
        target_insuree=insuree,
        reason=reason,
        ip=ip,
        object_type="otp_challenge",
        object_id=started.challenge_id,
        data={"sessions_ended": ended},
    )
    notification_send(
        user_id=user.pk,
        kind=Kind.SECURITY_ACCOUNT_RESET,
        data={"at": timezone.now().isoformat()},
        sms_fallback=False,  # the phone on file has just been sent the reset code
    )
    return started.phone_hint


def _pending(user: User) -> Q:
    return Q(user=user, cancelled_at__isnull=True, applied_at__isnull=True)


@transaction.atomic
def phone_change_request(
    *,
    acting_user: User,
    user: User,
    new_phone: str,
    document_reference: str,
    reason: str,
    ip: str | None = None,
) -> PhoneChangeRequest:
    """First step: one staff member records the identity check and the new number."""
    insuree = User.objects.select_for_update().get(pk=user.pk).insuree
    if insuree is None:
        raise ApplicationError(
            code=AccountsErrorCode.INSUREE_NOT_FOUND,
            detail=_("Only citizens' accounts have a phone on file."),
            status_code=status.HTTP_409_CONFLICT,
        )
    if insuree.phone == new_phone:
        raise ApplicationError(
            code=AccountsErrorCode.PHONE_UNCHANGED,
            detail=_("This is already the phone on file."),
            status_code=status.HTTP_409_CONFLICT,
        )
    if PhoneChangeRequest.objects.filter(_pending(user)).exists():
        raise ApplicationError(
            code=AccountsErrorCode.PHONE_CHANGE_PENDING,
            detail=_("A phone change is already pending for this account."),
            status_code=status.HTTP_409_CONFLICT,
        )
    change = PhoneChangeRequest.objects.create(
        user=user,
        old_phone=insuree.phone,
        new_phone=new_phone,
        document_reference=document_reference,
        reason=reason,
        requested_by=acting_user,
    )
    audit_event_record(
        action="support_phone_change_requested",
        actor=acting_user,
        target_user=user,
        target_insuree=insuree,
        reason=reason,
        ip=ip,
        object_type="phone_change",
        object_id=str(change.pk),
        data={"new_phone": mask_phone(new_phone), "document_reference": document_reference},
    )
    return change


def _not_pending() -> ApplicationError:
    return ApplicationError(
        code=AccountsErrorCode.PHONE_CHANGE_NOT_PENDING,
        detail=_("This phone change is no longer pending."),
        status_code=status.HTTP_409_CONFLICT,
    )


@transaction.atomic
def phone_change_approve(
    *, acting_user: User, change: PhoneChangeRequest, reason: str, ip: str | None = None
) -> PhoneChangeRequest:
    """Second step, by another staff member: the change takes effect after the cooling-off;
    meanwhile the old number is warned by SMS and the citizen's devices by a notification."""
    change = PhoneChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != "requested":
        raise _not_pending()
    if change.requested_by_id == acting_user.pk:
        raise ApplicationError(
            code=AccountsErrorCode.PHONE_CHANGE_SAME_PERSON,
            detail=_("A phone change must be approved by someone other than its requester."),
            status_code=status.HTTP_403_FORBIDDEN,
        )
    now = timezone.now()
    change.approved_by = acting_user
    change.approved_at = now
    change.effective_at = now + settings.PHONE_CHANGE_COOLING_OFF
    change.save(update_fields=["approved_by", "approved_at", "effective_at"])
    audit_event_record(
        action="support_phone_change_approved",
        actor=acting_user,
        target_user=change.user,
        reason=reason,
        ip=ip,
        object_type="phone_change",
        object_id=str(change.pk),
        data={"effective_at": change.effective_at.isoformat()},
    )
    _phone_change_warn(change)
    return change


def _phone_change_warn(change: PhoneChangeRequest) -> None:
    when = timezone.localtime(change.effective_at).strftime("%H:%M %d/%m/%Y")
    sms = _(
        "VSS: the phone number of your account will change on %(when)s. If you did not ask "
        "for this, open the app to cancel it or call the hotline."
    ) % {"when": when}
    effective = change.effective_at.isoformat() if change.effective_at else ""
    if change.old_phone:
        sms_queue(phone=change.old_phone, text=sms)
    notification_send(
        user_id=change.user_id,
        kind=Kind.SECURITY_PHONE_CHANGE_REQUESTED,
        data={"phone_change_id": str(change.pk), "effective_at": effective},
        sms_fallback=False,  # the phone on file was just warned by SMS above
    )


@transaction.atomic
def phone_change_cancel(
    *, acting_user: User, change: PhoneChangeRequest, reason: str = "", ip: str | None = None
) -> PhoneChangeRequest:
    """By the citizen (their own change) or support, any time before it takes effect."""
    change = PhoneChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status not in {"requested", "approved"}:
        raise _not_pending()
    change.cancelled_at = timezone.now()
    change.cancelled_by = acting_user
    change.save(update_fields=["cancelled_at", "cancelled_by"])
    audit_event_record(
        action="phone_change_cancelled",
        actor=acting_user,
        target_user=change.user,
        reason=reason,
        ip=ip,
        object_type="phone_change",
        object_id=str(change.pk),
    )
    return change


def phone_changes_apply_due() -> int:
    """Apply every approved, uncancelled change whose cooling-off is over. Called by the
    Celery beat task and the ``phone_changes_apply`` command."""
    due = PhoneChangeRequest.objects.filter(
        approved_at__isnull=False,
        cancelled_at__isnull=True,
        applied_at__isnull=True,
        effective_at__lte=timezone.now(),
    ).values_list("pk", flat=True)
    return sum(phone_change_apply(change_id=pk) for pk in list(due))


@transaction.atomic
def phone_change_apply(*, change_id: Any) -> int:
    change = PhoneChangeRequest.objects.select_for_update().select_related("user").get(pk=change_id)
    if change.status != "approved" or change.effective_at is None:
        return 0
    if change.effective_at > timezone.now():
        return 0
    insuree = change.user.insuree
    if insuree is None:
        return 0
    insuree.phone = change.new_phone
    insuree.save(update_fields=["phone", "updated_at"])
    change.applied_at = timezone.now()
    change.save(update_fields=["applied_at"])
    audit_event_record(
        action="phone_change_applied",
        target_user=change.user,
        target_insuree=insuree,
        object_type="phone_change",
        object_id=str(change.pk),
    )
    notification_send(
        user_id=change.user_id,
        kind=Kind.SECURITY_PHONE_CHANGED,
        data={"phone_change_id": str(change.pk), "phone_hint": mask_phone(insuree.phone)},
    )
    return 1
