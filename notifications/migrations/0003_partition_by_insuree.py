"""Notifications and deliveries hash-partitioned by the recipient's insuree on PostgreSQL
(api/partitioning.py): the key is filled for existing rows (0 for staff), made non-null, added
to the one-per-key constraint, and a delivery points at its notification by
(insuree_id, notification_id)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from api.partitioning import PartitionByHash

DELIVERY_NOTIFICATION_FK = "notifications_delivery_notification_fk"


def insuree_ids_fill(apps, schema_editor):
    """Each row keyed by its recipient's own insuree (rows written before were keyed by whom
    the notice was about, or not at all)."""
    Notification = apps.get_model("notifications", "Notification")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    users = User._meta.db_table
    notifications = Notification._meta.db_table
    deliveries = apps.get_model("notifications", "Delivery")._meta.db_table
    schema_editor.execute(
        f"UPDATE {notifications} SET insuree_id = COALESCE((SELECT u.insuree_id FROM {users} u "  # noqa: S608
        f"WHERE u.id = {notifications}.user_id), 0)"
    )
    schema_editor.execute(
        f"UPDATE {deliveries} SET insuree_id = (SELECT n.insuree_id FROM {notifications} n "  # noqa: S608
        f"WHERE n.id = {deliveries}.notification_id)"
    )


def delivery_notification_fk_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE notifications_delivery DROP CONSTRAINT IF EXISTS {DELIVERY_NOTIFICATION_FK}"
    )
    schema_editor.execute(
        f"ALTER TABLE notifications_delivery ADD CONSTRAINT {DELIVERY_NOTIFICATION_FK} "
        "FOREIGN KEY (insuree_id, notification_id) "
        "REFERENCES notifications_notification (insuree_id, id) DEFERRABLE INITIALLY DEFERRED"
    )


def delivery_notification_fk_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE notifications_delivery DROP CONSTRAINT IF EXISTS {DELIVERY_NOTIFICATION_FK}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_devices_outbox_preferences_campaigns'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(insuree_ids_fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_once_per_key',
        ),
        migrations.AlterField(
            model_name='delivery',
            name='insuree_id',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='notification',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.notification'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='insuree_id',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('dedupe_key', ''), _negated=True), fields=('insuree_id', 'user', 'dedupe_key'), name='notification_once_per_key'),
        ),
        PartitionByHash("notifications_notification", key="insuree_id"),
        PartitionByHash("notifications_delivery", key="insuree_id"),
        migrations.RunPython(delivery_notification_fk_add, delivery_notification_fk_drop),
    ]
