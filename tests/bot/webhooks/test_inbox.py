"""The webhook inbox: one drain at a time, and a refused drain does not block the next."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import pytest

from bot.webhooks.inbox import PushInbox


class InlineExecutor(Executor):
    """Runs each task at once on the caller's thread; refuses while ``refusing``, as a
    ThreadPoolExecutor does after ``shutdown``."""

    def __init__(self) -> None:
        self.refusing = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.refusing:
            raise RuntimeError("cannot schedule new futures after shutdown")
        done: Future[Any] = Future()
        done.set_result(fn(*args, **kwargs))
        return done


def test_a_drain_the_executor_refused_does_not_stop_later_drains() -> None:
    nudged: list[tuple[list[int], list[int]]] = []
    background = InlineExecutor()
    inbox = PushInbox(lambda threads, replies: nudged.append((threads, replies)), background)

    background.refusing = True
    with pytest.raises(RuntimeError):
        inbox.add([1], [])
    background.refusing = False
    inbox.add([2], [7])

    assert nudged == [([1, 2], [7])]  # the refused ids waited for the next drain
