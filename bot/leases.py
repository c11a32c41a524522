"""Holding a lease while work runs: one bot process at a time polls, records digests, retries drafts.

``LeaseKeeper.hold(name)`` takes the lease (or says another process has it), renews it on
a timer thread while the block runs, however long that is, and releases it at the end.
A process killed while holding one stops renewing; the lease lapses after ``ttl``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from bot.clock import utc_now
from store.leases import LeaseRepository

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=2)
# How often a patient caller asks again for a lease someone else holds.
RETRY_EVERY = 0.5


class LeaseKeeper:
    def __init__(
        self,
        leases: LeaseRepository,
        *,
        owner: str | None = None,
        ttl: timedelta = LEASE_TTL,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._leases = leases
        self.owner = owner or uuid.uuid4().hex  # one per process: a restart is a new owner
        self._ttl = ttl
        self._clock = clock

    @contextmanager
    def hold(self, name: str, *, patience: float = 0.0) -> Iterator[bool]:
        """Yield True while holding ``name``, or False at once if another process has it.

        With ``patience`` (seconds), wait that long for the other holder to finish first.
        """
        if not self._acquire(name, patience):
            yield False
            return
        done = threading.Event()
        renewer = threading.Thread(target=self._keep, args=(name, done), name=f"lease-{name}", daemon=True)
        renewer.start()
        try:
            yield True
        finally:
            done.set()
            renewer.join()
            self._leases.release(name, self.owner)

    def _acquire(self, name: str, patience: float) -> bool:
        deadline = time.monotonic() + patience
        while not self._leases.acquire(name, self.owner, self._ttl, self._clock()):
            if time.monotonic() >= deadline:
                return False
            time.sleep(RETRY_EVERY)
        return True

    def _keep(self, name: str, done: threading.Event) -> None:
        # Three renewals per ttl: a late one or two still leave the lease live.
        while not done.wait(self._ttl.total_seconds() / 3):
            if not self._leases.renew(name, self.owner, self._ttl, self._clock()):
                log.warning("lost the %s lease to another process", name)
                return
