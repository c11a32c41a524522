"""Finding what is new on the board since the last poll, at constant cost when idle.

Two list calls a poll, whatever the number of locations: threads and replies created in a
window. Nexudus writes ``CreatedOn`` with a ``Z`` that may stand behind a location's local
wall clock (reference §4, §15), and replies cannot be filtered by location, so no single
cursor of Nexudus text is safe on an account whose locations span several zones. Instead
the window starts at the bot's own clock at the previous poll, moved back by:

* ``OVERLAP``: filters have minute precision, a record may commit after its stamp, and the
  two clocks may differ by a few minutes;
* the zone lag: how far behind UTC the furthest-west location's wall clock is (0 for zones
  east of UTC, 12 hours when a location's zone is unknown). A record created after the
  previous poll then carries a stamp inside the window in either reading, UTC or local.

Rows already seen are dropped by id (never compared by id: ids are not in creation order).
A location east of UTC makes the window hold more of its recent rows, not more calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.home import subject_of
from bot.portal import NexudusClient, PortalNotFound
from bot.portal.models import Reply, Thread
from bot.portal.timestamps import minute_text, wall_clock
from bot.timekeeping import zone_or_none
from store.relay_state import RelayStateRepository
from store.thread_subjects import ThreadSubjectRepository

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
# Wall clocks run from UTC−12 to UTC+14: the most a stamp can trail UTC.
UNKNOWN_ZONE_LAG = timedelta(hours=12)
THREADS, REPLIES = "threads", "replies"
LEGACY_CURSOR = THREADS
WINDOW = "window"  # the bot's clock when the last recorded poll asked Nexudus


class _Created(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def created_on(self) -> str | None: ...


T = TypeVar("T", bound=_Created)


@dataclass
class Activity:
    """What a poll found new, and what to record once it has been planned."""

    threads: list[Thread] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    # Each new reply's thread as it is now (a deleted thread is absent: its replies are skipped).
    reply_threads: dict[int, Thread] = field(default_factory=dict)
    seen: dict[str, list[int]] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    first_run: bool = False

    @property
    def empty(self) -> bool:
        return not self.threads and not self.replies


class BoardWatcher:
    def __init__(
        self,
        portal: NexudusClient,
        state: RelayStateRepository,
        zones: Callable[[], Iterable[str | None]],
        subjects: ThreadSubjectRepository | None = None,
    ) -> None:
        self._portal = portal
        self._state = state
        self._zones = zones
        self._subjects = subjects  # filled from what a poll reads anyway, for the Home tab

    def poll(self, now: datetime) -> Activity:
        previous = self._previous_poll()
        since = minute_text(window_start(previous or now, list(self._zones()), now))
        activity = Activity(first_run=previous is None, cursors={WINDOW: now.astimezone(UTC).isoformat()})
        threads = self._unseen(THREADS, self._portal.threads_created_since(since), activity)
        replies = self._unseen(REPLIES, self._portal.replies_created_since(since), activity)
        if activity.first_run:
            # Start from now: what existed before the first start is never delivered.
            return activity
        activity.threads = threads
        activity.reply_threads = self._threads_of(replies, {t.id: t for t in threads})
        activity.replies = [r for r in replies if r.community_thread_id in activity.reply_threads]
        if self._subjects is not None:
            read = {t.id: t for t in [*threads, *activity.reply_threads.values()]}
            self._subjects.remember(subject_of(t, now) for t in read.values())
        return activity

    def _previous_poll(self) -> datetime | None:
        recorded = self._state.cursor(WINDOW)
        if recorded is not None:
            return datetime.fromisoformat(recorded)
        # A database from before the poll window kept a cursor of Nexudus's own text; when it
        # was written (the bot's clock) is the previous poll.
        return self._state.cursor_recorded_at(LEGACY_CURSOR)

    def _unseen(self, name: str, found: Sequence[T], activity: Activity) -> list[T]:
        """Rows not processed before, once each (a row inserted while pages are read can
        appear on two), oldest stamp first (as far as stamps tell: never by id)."""
        by_id = {item.id: item for item in reversed(found)}
        unseen = set(self._state.unseen(name, list(by_id)))
        activity.seen[name] = sorted(unseen)
        fresh = [item for item in by_id.values() if item.id in unseen]
        return sorted(fresh, key=lambda item: wall_clock(item.created_on) or datetime.min)

    def _threads_of(self, replies: list[Reply], listed: dict[int, Thread]) -> dict[int, Thread]:
        """Fresh threads for new replies: from this poll's list, else one GET each (a thread
        may have turned private or moved group since)."""
        found: dict[int, Thread] = {}
        for thread_id in dict.fromkeys(r.community_thread_id for r in replies):
            if thread_id in listed:
                found[thread_id] = listed[thread_id]
                continue
            try:
                found[thread_id] = self._portal.thread(thread_id)
            except PortalNotFound:
                # Recorded as seen with the rest of the poll, so this is logged once.
                log.info("replies on thread %s skipped: it is gone or hidden from the bot", thread_id)
        return found


def window_start(previous: datetime, zones: list[str | None], now: datetime) -> datetime:
    """Where a poll's window starts: see the module docstring."""
    return previous - OVERLAP - zone_lag(zones, (previous, now))


def zone_lag(zones: list[str | None], moments: Sequence[datetime]) -> timedelta:
    """How far the furthest-west wall clock trails UTC at any of ``moments`` (never less than 0)."""
    lag = timedelta(0)
    for name in zones or [None]:
        zone = zone_or_none(name)
        if zone is None:
            return UNKNOWN_ZONE_LAG
        lag = max([lag, *(-_offset(zone, moment) for moment in moments)])
    return lag


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)
