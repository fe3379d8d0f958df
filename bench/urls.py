"""The project's URLs plus the floors that benchmarks measure against."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


class FrameworkFloorApi(APIView):
    """The framework floor: an authenticated DRF endpoint that returns a constant."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/floor/framework", FrameworkFloorApi.as_view()),
    path("", include("api.urls")),
]
