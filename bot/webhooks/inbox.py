"""Ids from webhooks waiting to be relayed, drained by one background task at a time.

A burst of webhooks (a busy board, or Nexudus's retries) becomes a few nudges rather than
one per request, and never two at once in this process: each would wait for the other's
``poll`` lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor

log = logging.getLogger(__name__)

NudgeWork = Callable[[list[int], list[int]], object]


class PushInbox:
    def __init__(self, nudge: NudgeWork, background: Executor) -> None:
        self._nudge = nudge
        self._background = background
        self._lock = threading.Lock()
        self._threads: dict[int, None] = {}  # insertion-ordered sets
        self._replies: dict[int, None] = {}
        self._draining = False

    def add(self, thread_ids: Iterable[int], reply_ids: Iterable[int]) -> None:
        with self._lock:
            self._threads.update(dict.fromkeys(thread_ids))
            self._replies.update(dict.fromkeys(reply_ids))
            if self._draining:
                return  # the running drain takes these on its next turn
            self._draining = True
        try:
            self._background.submit(self._drain)
        except RuntimeError:
            # The executor refused (shut down, or shutting down): no drain runs, so the
            # next add must start one rather than wait for this one. These ids stay in the
            # inbox for it; the caller's error makes Nexudus send the webhook again.
            with self._lock:
                self._draining = False
            raise

    def _drain(self) -> None:
        while True:
            with self._lock:
                threads, replies = list(self._threads), list(self._replies)
                self._threads, self._replies = {}, {}
                if not threads and not replies:
                    self._draining = False
                    return
            try:
                summary = self._nudge(threads, replies)
                log.info("webhook nudge: %s", summary)
            except Exception:
                # A background task's error would vanish with its future: log it here. The
                # ids were not recorded, so the next poll relays them.
                log.exception("webhook nudge failed; the poll will pick these up")
