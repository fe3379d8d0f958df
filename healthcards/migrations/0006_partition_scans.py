"""Scans hash-partitioned by insuree on PostgreSQL (api/partitioning.py); a case points at its
scan by (insuree_id, id)."""

import django.db.models.deletion
from django.db import migrations, models

from api.partitioning import PartitionByHash


CASE_SCAN_FK = "healthcards_cardcase_scan_fk"


def scan_case_foreign_key_add(apps, schema_editor):
    """A case's scan, keyed as the partitioned scans are: (insuree_id, id)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE healthcards_cardcase DROP CONSTRAINT IF EXISTS {CASE_SCAN_FK}")
    schema_editor.execute(
        f"ALTER TABLE healthcards_cardcase ADD CONSTRAINT {CASE_SCAN_FK} "
        "FOREIGN KEY (insuree_id, scan_id) REFERENCES healthcards_scanevent (insuree_id, id) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


def scan_case_foreign_key_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE healthcards_cardcase DROP CONSTRAINT IF EXISTS {CASE_SCAN_FK}")


class Migration(migrations.Migration):

    dependencies = [
        ('healthcards', '0005_card_qr_generation_facility_scans_case_queue'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cardcase',
            name='scan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cases', to='healthcards.scanevent'),
        ),
        PartitionByHash("healthcards_scanevent", key="insuree_id"),
        migrations.RunPython(scan_case_foreign_key_add, scan_case_foreign_key_drop),
    ]
