"""The sliding-window counter throttle: exact limits, weighted carry-over, constant state."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.throttles import IPScopedRateThrottle


class View:
    throttle_scope = "probe"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(16_667 * 60 + 20.0)  # 20 s into a minute
    monkeypatch.setattr(IPScopedRateThrottle, "timer", clock)
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "probe", "10/min")
    return clock


def attempt(ip: str = "203.0.113.7") -> tuple[bool, float | None]:
    request = Request(APIRequestFactory().get("/", REMOTE_ADDR=ip))
    throttle = IPScopedRateThrottle()
    allowed = throttle.allow_request(request, View())
    return allowed, throttle.wait()


@pytest.mark.parametrize("cache_backend", ["locmem", "redis"])
def test_exactly_the_rate_is_allowed_then_refused_with_a_wait(clock, cache_backend, request):
    if cache_backend == "redis":
        request.getfixturevalue("redis_cache")

    results = [attempt()[0] for _ in range(10)]
    refused, wait = attempt()

    assert results == [True] * 10
    assert refused is False
    assert 1 <= wait <= 100


def test_clients_are_counted_apart(clock):
    for _ in range(10):
        assert attempt("203.0.113.7")[0]

    assert attempt("203.0.113.7")[0] is False
    assert attempt("198.51.100.1")[0] is True


def test_the_previous_window_still_weighs_just_after_the_edge(clock):
    for _ in range(10):
        assert attempt()[0]

    clock.now += 41  # one second into the next minute: the last minute still weighs ~98%
    assert attempt()[0] is False

    clock.now += 29  # half-way: half of the previous window's 10 counts still weighs
    allowed = [attempt()[0] for _ in range(7)]
    assert allowed == [True] * 5 + [False] * 2

    clock.now += 120  # two windows later everything has aged out
    assert [attempt()[0] for _ in range(10)] == [True] * 10


def test_refused_requests_are_not_counted(clock):
    for _ in range(10):
        attempt()
    for _ in range(50):
        attempt()

    clock.now += 80  # 40 s into the next window: the counted one now weighs 1/3
    allowed = sum(attempt()[0] for _ in range(10))
    assert allowed == 6  # 10 * (1 - 40/60) = 3.33 carried over; the 50 refusals left no trace


def test_state_is_two_small_counters_whatever_the_volume(clock):
    for _ in range(500):
        attempt()

    keys = [key for key in cache._cache if "probe" in key]  # locmem internals, test only
    assert len(keys) == 1
