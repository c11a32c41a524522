"""Channel reviews asked for by join and leave events, off the listener threads.

A review reads the channel's members from Slack (a page walk and ``users.info`` for each
member not cached) and the group from Nexudus: slow, so it runs on the app's background
executor, and one at a time per channel. An event arriving while that channel's review
runs asks for one more review after it (Slack may have answered before the change), never
for a second one beside it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor

log = logging.getLogger(__name__)


class ReviewQueue:
    def __init__(self, review: Callable[[str], None], executor: Executor | None = None) -> None:
        self._review = review
        self._executor = executor  # None: reviews run in the caller (one-shot commands, tests)
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._again: set[str] = set()

    def request(self, channel_id: str) -> None:
        """Review the channel soon; returns at once when an executor was given."""
        with self._lock:
            if channel_id in self._running:
                self._again.add(channel_id)
                return
            self._running.add(channel_id)
        if self._executor is None:
            self._run(channel_id)
            return
        try:
            self._executor.submit(self._run, channel_id)
        except RuntimeError:  # shutting down: the next plan reviews a stale audience first
            with self._lock:
                self._running.discard(channel_id)

    def _run(self, channel_id: str) -> None:
        while True:
            try:
                self._review(channel_id)
            except Exception:
                # A worker thread's error reaches no listener's error handler: logged here
                # with its traceback; the next event, or the next plan once the audience is
                # an hour old, tries again.
                log.exception("review of channel %s failed", channel_id)
            with self._lock:
                if channel_id not in self._again:
                    self._running.discard(channel_id)
                    return
                self._again.discard(channel_id)
