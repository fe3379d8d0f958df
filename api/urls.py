from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerView

from api import health
from api.schema_view import SchemaApi
from console.site import support_site
from healthcards.desk import clinic_desk_view, clinic_desk_worker_view
from healthcards.views import jwks_view

handler400 = "api.exceptions.bad_request_view"
handler403 = "api.exceptions.permission_denied_view"
handler404 = "api.exceptions.not_found_view"
handler500 = "api.exceptions.server_error_view"

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("contributions.urls")),
    path("", include("healthcards.urls")),
    path("", include("notifications.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/api/docs/", permanent=False), name="root"),
    path("admin/", admin.site.urls),
    path("support/", support_site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SchemaApi.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include(api_v1)),
    path(".well-known/jwks.json", jwks_view, name="jwks"),
    path("clinic/", clinic_desk_view, name="clinic-desk"),
    path("clinic/sw.js", clinic_desk_worker_view, name="clinic-desk-worker"),
]
