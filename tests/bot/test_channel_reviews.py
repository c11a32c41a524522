"""Join and leave events review a channel off the listener thread, one review per channel
at a time, with one more after it when an event came in meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.channel_reviews import ReviewQueue

WAIT = 5.0  # an upper bound for a thread to get going, never reached when all is well


def test_events_during_a_review_ask_for_one_more_review_after_it_not_one_beside_it() -> None:
    started, release = threading.Event(), threading.Event()
    reviewed: list[str] = []

    def review(channel_id: str) -> None:
        reviewed.append(channel_id)
        started.set()
        assert release.wait(WAIT)

    with ThreadPoolExecutor(max_workers=4) as pool:
        queue = ReviewQueue(review, pool)
        queue.request("CBOARD")  # returns at once: the review waits on another thread
        assert started.wait(WAIT)
        queue.request("CBOARD")
        queue.request("CBOARD")
        during = list(reviewed)
        release.set()

    assert during == ["CBOARD"]
    assert reviewed == ["CBOARD", "CBOARD"]


def test_a_failed_review_is_logged_and_the_channel_can_be_reviewed_again() -> None:
    reviewed: list[str] = []

    def review(channel_id: str) -> None:
        reviewed.append(channel_id)
        if len(reviewed) == 1:
            raise RuntimeError("database is locked")

    queue = ReviewQueue(review)  # no executor: in the caller
    queue.request("CBOARD")
    queue.request("CBOARD")

    assert reviewed == ["CBOARD", "CBOARD"]
