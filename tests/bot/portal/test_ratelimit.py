"""The client-side limiter keeps every thread of the process inside Nexudus's limits."""

from __future__ import annotations

import threading

import pytest

from bot.portal import PortalThrottled
from bot.portal.ratelimit import RateLimiter
from tests.bot.portal.test_client import FakeTime


def limiter_and_time() -> tuple[RateLimiter, FakeTime]:
    clock = FakeTime([])
    return RateLimiter(clock=clock.now, sleep=clock.sleep), clock


def test_calls_are_spaced_100_ms_apart() -> None:
    limiter, clock = limiter_and_time()

    for _ in range(5):
        limiter.acquire()

    assert clock.sleeps == [pytest.approx(0.1)] * 4


def test_no_more_than_120_calls_a_minute() -> None:
    limiter, clock = limiter_and_time()
    start = clock.at

    for _ in range(121):
        limiter.acquire(max_wait=60)

    assert clock.at - start >= 60.0
    assert limiter.calls == 121


def test_no_more_than_60_writes_a_minute() -> None:
    limiter, clock = limiter_and_time()
    start = clock.at

    for _ in range(61):
        limiter.acquire(write=True, max_wait=60)

    assert clock.at - start >= 60.0
    assert limiter.writes == 61


def test_pause_holds_callers_back_and_long_waits_are_handed_back() -> None:
    limiter, clock = limiter_and_time()
    limiter.pause(5)

    limiter.acquire()
    assert clock.sleeps == [pytest.approx(5)]

    limiter.pause(60)
    with pytest.raises(PortalThrottled):
        limiter.acquire()


def test_threads_share_one_budget() -> None:
    limiter = RateLimiter()
    stamps: list[float] = []
    lock = threading.Lock()

    def call() -> None:
        limiter.acquire()
        with lock:
            stamps.append(1)

    workers = [threading.Thread(target=call) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert limiter.calls == 6 == len(stamps)
