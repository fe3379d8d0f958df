from django.contrib import admin

from notifications.models import Campaign, Delivery, Device, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "category", "read_at")
    list_filter = ("kind", "category")
    raw_id_fields = ("user", "campaign")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "platform", "app_version", "is_active")
    list_filter = ("platform", "is_active")
    raw_id_fields = ("user",)
    exclude = ("token",)  # a push token is a credential to the user's phone


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "notification", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("notification", "device")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "push_off", "updated_at")
    raw_id_fields = ("user",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("created_at", "__str__", "status", "send_at", "targeted")
    list_filter = ("status",)
    readonly_fields = ("cursor", "targeted", "started_at", "finished_at")
    raw_id_fields = ("created_by",)
