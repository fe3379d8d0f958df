import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import Province
from api.pagination import CursorPagination, PageNumberPagination

pytestmark = pytest.mark.django_db


def request_for(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/x{query}"))


@pytest.mark.parametrize("paginator_class", [PageNumberPagination, CursorPagination])
@pytest.mark.parametrize("page_size", ["0", "1000", "x", "-3"])
def test_page_size_out_of_range_is_refused_not_replaced(paginator_class, page_size):
    with pytest.raises(ValidationError) as raised:
        paginator_class().get_page_size(request_for(f"?page_size={page_size}"))

    assert raised.value.detail["page_size"][0].code == "invalid"


@pytest.mark.parametrize("paginator_class", [PageNumberPagination, CursorPagination])
def test_page_size_within_range_and_default(paginator_class):
    paginator = paginator_class()

    assert paginator.get_page_size(request_for(f"?page_size={paginator.max_page_size}")) == (
        paginator.max_page_size
    )
    assert paginator.get_page_size(request_for("")) == paginator.page_size


def test_a_view_that_pages_must_declare_its_paginator():
    class Undeclared(APIView):
        pass

    with pytest.raises(ImproperlyConfigured, match="pagination_class"):
        PageNumberPagination().paginate_queryset(
            Province.objects.order_by("code"), request_for(""), view=Undeclared()
        )


@pytest.mark.parametrize("paginator_class", [PageNumberPagination, CursorPagination])
def test_unordered_querysets_are_refused(paginator_class):
    with pytest.raises(ImproperlyConfigured):
        paginator_class().paginate_queryset(Province.objects.order_by(), request_for(""))


def test_cursor_pages_walk_the_whole_ordered_set():
    paginator = CursorPagination()
    paginator.ordering = "code"
    seen = []
    query = "?page_size=10"
    while True:
        page = paginator.paginate_queryset(Province.objects.order_by("code"), request_for(query))
        seen.extend(p.code for p in page)
        next_link = paginator.get_next_link()
        if not next_link:
            break
        query = next_link[next_link.index("?") :]

    assert seen == sorted(Province.objects.values_list("code", flat=True))
    assert len(seen) == 63
