"""The project's URLs plus the floors that benchmarks measure against."""

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

# The data floor's query: the same 50 rows, same columns and order as the history's first page.
DATA_FLOOR_SQL = (
    "SELECT r.id, r.month, r.scheme, e.code, e.name, r.salary_base, r.employee_amount, "
    "r.employer_amount, r.state_subsidy, r.status "
    "FROM contributions_contributionrecord r "
    "LEFT JOIN contributions_employer e ON e.id = r.employer_id "
    "WHERE r.insuree_id = %s ORDER BY r.month DESC, r.id DESC LIMIT 50"
)


class FrameworkFloorApi(APIView):
    """The framework floor: an authenticated DRF endpoint that returns a constant."""

    def get(self, request):
        return Response({"ok": True})


def data_floor(request: HttpRequest, insuree_id: int) -> HttpResponse:
    """The data floor: a plain Django view (no DRF, no authentication) that fetches 50
    contribution rows of one insuree with one raw query and renders them with orjson, with
    the same fields as the history endpoint. The row dicts are written out here rather than
    taken from ``contributions.serializers``, so the floor does not move with the subject."""
    with connection.cursor() as cursor:
        cursor.execute(DATA_FLOOR_SQL, [insuree_id])
        rows = cursor.fetchall()
    results = [
        {
            "id": row_id,
            "month": (month if isinstance(month, str) else month.isoformat())[:7],
            "scheme": scheme,
            "employer": None if code is None else {"code": code, "name": name},
            "salary_base": salary,
            "employee_amount": employee,
            "employer_amount": employer,
            "state_subsidy": state,
            "status": status,
        }
        for row_id, month, scheme, code, name, salary, employee, employer, state, status in rows
    ]
    return HttpResponse(orjson.dumps({"results": results}), content_type="application/json")


urlpatterns = [
    path("bench/floor/framework", FrameworkFloorApi.as_view()),
    path("bench/floor/data/<int:insuree_id>", data_floor),
    path("", include("api.urls")),
]

# Errors outside DRF answer problem+json here too, as with the project's own URLs.
handler400 = "api.exceptions.bad_request_view"
handler403 = "api.exceptions.permission_denied_view"
handler404 = "api.exceptions.not_found_view"
handler500 = "api.exceptions.server_error_view"
