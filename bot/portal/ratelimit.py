"""A client-side limiter shared by every thread, so the bot stays inside Nexudus's limits.

Nexudus documents 120 requests a minute, one per 100 ms, and 60 writes a minute
(reference §10). Waiting here is cheaper than being throttled there.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.portal.errors import PortalThrottled


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


# Longer waits (a Retry-After of minutes) go back to the caller as PortalThrottled.
MAX_WAIT = 10.0
ALL_CALLS = (Window(120, 60.0), Window(1, 0.1))
WRITES = (Window(60, 60.0),)


class RateLimiter:
    def __init__(
        self,
        *,
        all_calls: tuple[Window, ...] = ALL_CALLS,
        writes: tuple[Window, ...] = WRITES,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._all = [(window, deque[float]()) for window in all_calls]
        self._writes = [(window, deque[float]()) for window in writes]
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self.calls = 0
        self.writes = 0

    def acquire(self, *, write: bool = False, max_wait: float = MAX_WAIT) -> None:
        """Block until one more call (a write, if ``write``) fits every window.

        Raises ``PortalThrottled`` instead of blocking longer than ``max_wait``: a
        caller holding a user's request should keep a draft rather than hang.
        """
        while True:
            with self._lock:
                wait = self._wait_needed(write)
                if wait <= 0:
                    self._record(write)
                    return
            if wait > max_wait:
                raise PortalThrottled(wait)
            self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """Hold every caller back, e.g. after Nexudus answered with ``Retry-After``."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _wait_needed(self, write: bool) -> float:
        now = self._clock()
        windows = self._all + (self._writes if write else [])
        wait = self._paused_until - now
        for window, stamps in windows:
            while stamps and stamps[0] <= now - window.seconds:
                stamps.popleft()
            if len(stamps) >= window.limit:
                wait = max(wait, stamps[0] + window.seconds - now)
        return wait

    def _record(self, write: bool) -> None:
        now = self._clock()
        self.calls += 1
        for _, stamps in self._all:
            stamps.append(now)
        if write:
            self.writes += 1
            for _, stamps in self._writes:
                stamps.append(now)
