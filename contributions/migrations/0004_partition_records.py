"""Contribution records hash-partitioned by insuree on PostgreSQL (api/partitioning.py)."""

from django.db import migrations

from api.partitioning import PartitionByHash


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0003_seed_rates"),
    ]

    operations = [
        PartitionByHash("contributions_contributionrecord", key="insuree_id"),
    ]
