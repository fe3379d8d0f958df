from django.urls import URLPattern, URLResolver, path

from healthcards import views

app_name = "healthcards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthcards/", views.HealthCardListApi.as_view(), name="card-list"),
    path("healthcards/<str:card_id>/qr", views.HealthCardQrApi.as_view(), name="card-qr"),
    path(
        "healthcards/<str:card_id>/qr.png", views.HealthCardQrPngApi.as_view(), name="card-qr-png"
    ),
    path(
        "healthcards/<str:card_id>/qr.svg", views.HealthCardQrSvgApi.as_view(), name="card-qr-svg"
    ),
    path(
        "healthcards/<str:card_id>/scans", views.HealthCardScanListApi.as_view(), name="card-scans"
    ),
    path(
        "healthcards/<str:card_id>/scans/<str:scan_id>/not-me",
        views.HealthCardScanNotMeApi.as_view(),
        name="card-scan-not-me",
    ),
    path(
        "support/cards/<str:card_id>/reinstate",
        views.SupportCardReinstateApi.as_view(),
        name="support-card-reinstate",
    ),
    path(
        "healthcards/<str:card_id>/reactivate/start",
        views.HealthCardReactivateStartApi.as_view(),
        name="card-reactivate-start",
    ),
    path(
        "healthcards/<str:card_id>/reactivate/verify",
        views.HealthCardReactivateVerifyApi.as_view(),
        name="card-reactivate-verify",
    ),
    path("support/cases", views.SupportCaseListApi.as_view(), name="support-case-list"),
    path(
        "support/cases/<str:case_id>/close",
        views.SupportCaseCloseApi.as_view(),
        name="support-case-close",
    ),
    path("clinic/verify", views.ClinicVerifyApi.as_view(), name="clinic-verify"),
    path("clinic/scans", views.ClinicScanListApi.as_view(), name="clinic-scans"),
]
