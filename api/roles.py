"""Roles of the people who use the API. Imported by accounts.models and api.permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CLINIC = "clinic", _("Clinic operator")
    SUPPORT = "support", _("Support staff")
    AGENCY = "agency", _("Agency staff")
    ADMIN = "admin", _("Administrator")
