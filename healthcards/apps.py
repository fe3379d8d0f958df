from django.apps import AppConfig


class HealthcardsConfig(AppConfig):
    name = "healthcards"
    verbose_name = "Health-insurance cards"
    default_auto_field = "django.db.models.BigAutoField"
