from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from notifications.models import Device, Platform
from tests.accounts.factories import UserFactory


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    user = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"token-{n:06d}")
    platform = Platform.ANDROID
    app_version = "3.1.0"
