from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Accounts and people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_provinces_ensure, sender=self)


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose default site asks for TOTP when ADMIN_REQUIRE_2FA is on."""

    default = False
    default_site = "accounts.admin_site.AdminSite"


def _provinces_ensure(using: str = "default", **kwargs: object) -> None:
    """Province reference data is loaded by a migration; a database flush (transactional
    tests) empties it, and Django emits post_migrate after a flush, so put it back here as
    Django does for content types and permissions."""
    from accounts.models import Province
    from accounts.provinces import PROVINCE_NAMES

    Province.objects.using(using).bulk_create(
        [Province(code=code, name=name) for code, name in PROVINCE_NAMES.items()],
        ignore_conflicts=True,
    )
