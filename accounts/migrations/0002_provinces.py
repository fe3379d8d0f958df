from django.db import migrations

from accounts.provinces import PROVINCE_NAMES


def load_provinces(apps, schema_editor):
    Province = apps.get_model("accounts", "Province")
    for code, name in PROVINCE_NAMES.items():
        Province.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
