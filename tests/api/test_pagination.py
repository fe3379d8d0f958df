import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import Province
from api.pagination import CursorPagination, PageNumberPagination

pytestmark = pytest.mark.django_db


def request_for(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/x{query}"))


def test_page_size_is_capped():
    paginator = PageNumberPagination()

    page = paginator.paginate_queryset(
        Province.objects.order_by("code"), request_for("?page_size=1000")
    )

    assert len(page) == min(PageNumberPagination.max_page_size, Province.objects.count())
    assert paginator.get_page_size(request_for("?page_size=1000")) == 100


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
