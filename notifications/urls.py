from django.urls import URLPattern, URLResolver, path

from notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = [
    path("notifications/", views.NotificationListApi.as_view(), name="inbox"),
    path("notifications/unread-count", views.UnreadCountApi.as_view(), name="unread-count"),
    path("notifications/read-all", views.NotificationReadAllApi.as_view(), name="read-all"),
    path("notifications/preferences", views.PreferenceApi.as_view(), name="preferences"),
    path("notifications/devices", views.DeviceRegisterApi.as_view(), name="devices"),
    path(
        "notifications/devices/<path:token>",
        views.DeviceDeleteApi.as_view(),
        name="device-delete",
    ),
    path(
        "notifications/<str:notification_id>/read",
        views.NotificationReadApi.as_view(),
        name="read",
    ),
    path("agency/campaigns", views.CampaignCreateApi.as_view(), name="campaigns"),
    path(
        "agency/campaigns/<str:campaign_id>",
        views.CampaignDetailApi.as_view(),
        name="campaign-detail",
    ),
]
