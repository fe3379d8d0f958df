"""People and accounts: the insured person (Insuree), households, logins (User), the audit log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import (
    validate_national_id,
    validate_phone_e164,
    validate_social_insurance_number,
)
from api.roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Province(models.Model):
    """Reference data. ``code`` is the pre-2025 two-digit code printed on cards and IDs;
    ``name`` can be edited (provinces merged in 2025) without touching code."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Household(TimeStampedModel):
    """A household registration (sổ hộ khẩu / hộ gia đình tham gia BHYT)."""

    code = models.CharField(_("household code"), max_length=20, unique=True)
    address = models.CharField(max_length=255, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return self.code


class HouseholdRelation(models.TextChoices):
    """A member's relation to the head of the household."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER = "other", _("Other relative")


class Insuree(TimeStampedModel):
    """An insured person as the agency records them, with or without an app account.

    The primary key is a compact integer because the big tables (contribution records,
    deliveries, scans) carry ``insuree_id``; ``public_id`` is what appears in URLs.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    social_insurance_number = models.CharField(
        _("social insurance number"),
        max_length=10,
        unique=True,
        validators=[validate_social_insurance_number],
    )
    national_id = models.CharField(
        _("national ID"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(max_length=6, choices=Gender.choices)
    phone = models.CharField(
        _("phone on file"), max_length=12, blank=True, validators=[validate_phone_e164]
    )
    address = models.CharField(max_length=255, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    household_relation = models.CharField(
        max_length=12, choices=HouseholdRelation.choices, blank=True
    )

    class Meta:
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [
            models.Index(fields=["phone"], name="insuree_phone_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(household__isnull=True, household_relation="")
                | Q(household__isnull=False) & ~Q(household_relation=""),
                name="insuree_household_relation_iff_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.social_insurance_number})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        if not username:
            raise ValueError("A username is required.")
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Citizens log in with their social insurance number (``username``) or their
    national ID; staff have their own usernames. ``insuree`` is set for citizens only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = models.CharField(_("username"), max_length=150, unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CITIZEN)
    insuree = models.OneToOneField(
        Insuree, on_delete=models.PROTECT, null=True, blank=True, related_name="user"
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("May sign in to the admin site."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering: ClassVar = ["username"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(role=Role.CITIZEN, insuree__isnull=False)
                | ~Q(role=Role.CITIZEN) & Q(insuree__isnull=True),
                name="user_citizen_iff_insuree",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN


class AuditEvent(models.Model):
    """Append-only record of who did what to whom, when, why and from where.

    Rows are never updated or deleted: ``save`` refuses updates, ``delete`` refuses, and the
    admin shows them read-only. Written by services in the same transaction as the action.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    action = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=10, blank=True)
    target_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_insuree = models.ForeignKey(
        Insuree, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-occurred_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["target_user", "-occurred_at"], name="audit_target_user_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class Session(models.Model):
    """One login on one device. Access and refresh tokens carry its id as the ``sid`` claim;
    revoking the session stops both at once (see ``accounts.authentication``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    device_name = models.CharField(max_length=100, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["user", "-created_at"], name="session_user_idx"),
            models.Index(fields=["revoked_at"], name="session_revoked_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.device_name or 'device'} {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OtpPurpose(models.TextChoices):
    ACTIVATION = "activation", _("Account activation")
    PASSWORD_RESET = "password_reset", _("Password reset")
    CARD_REACTIVATION = "card_reactivation", _("Health card reactivation")


class OtpChallenge(models.Model):
    """A one-time code sent by SMS. Only an HMAC of the code is stored. A challenge for an
    unknown person has no insuree and a hash of random bytes: it can never succeed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=20, choices=OtpPurpose.choices)
    insuree = models.ForeignKey(
        Insuree, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(max_length=12, blank=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["insuree", "purpose", "-created_at"], name="otp_insuree_idx"),
            models.Index(fields=["expires_at"], name="otp_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class PhoneChangeRequest(models.Model):
    """A change of the phone on file: requested by one staff member, approved by another,
    effective only after a cooling-off period, cancellable until then."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="phone_changes")
    old_phone = models.CharField(max_length=12, blank=True)
    new_phone = models.CharField(max_length=12, validators=[validate_phone_e164])
    document_reference = models.CharField(max_length=100)
    reason = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["effective_at"], name="phone_change_effective_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("requested_by")),
                name="phone_change_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.new_phone}"

    @property
    def status(self) -> str:
        if self.cancelled_at is not None:
            return "cancelled"
        if self.applied_at is not None:
            return "applied"
        if self.approved_at is not None:
            return "approved"
        return "requested"
