"""Finding what is new on the board since the last poll, at constant cost when idle.

Two list calls a poll, whatever the number of locations: threads and replies created
since the cursor. The cursor is Nexudus's own ``CreatedOn`` text (its time zone is
undocumented, reference §4), moved back by an overlap because filters have minute
precision; ids already seen inside the overlap are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from bot.portal import NexudusClient
from bot.portal.client import minute_text
from bot.portal.models import Reply, Thread
from store.relay_state import RelayStateRepository

OVERLAP = timedelta(minutes=10)
# On the very first run, look back far enough to cover any UTC offset of Nexudus's
# clock, only to learn what already exists: none of it is delivered.
FIRST_LOOKBACK = timedelta(hours=14)
THREADS, REPLIES = "threads", "replies"


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
    seen: dict[str, list[int]] = field(default_factory=dict)
    cursors: dict[str, str] = field(default_factory=dict)
    first_run: bool = False

    @property
    def empty(self) -> bool:
        return not self.threads and not self.replies


class BoardWatcher:
    def __init__(self, portal: NexudusClient, state: RelayStateRepository) -> None:
        self._portal = portal
        self._state = state

    def poll(self, now: datetime) -> Activity:
        activity = Activity(first_run=self._state.cursor(THREADS) is None)
        activity.threads = self._fresh(THREADS, self._portal.threads_created_since, now, activity)
        activity.replies = self._fresh(REPLIES, self._portal.replies_created_since, now, activity)
        if activity.first_run:
            # Start from now: what existed before the first start is never delivered.
            activity.threads, activity.replies = [], []
        return activity

    def _fresh(
        self, name: str, fetch: Callable[[str], Sequence[T]], now: datetime, activity: Activity
    ) -> list[T]:
        cursor = self._state.cursor(name)
        start = now - FIRST_LOOKBACK if cursor is None else _parse(cursor) - OVERLAP
        found = list(fetch(minute_text(start)))
        unseen = set(self._state.unseen(name, [item.id for item in found]))
        activity.seen[name] = sorted(unseen)
        newest = max((item.created_on for item in found if item.created_on), default=None)
        activity.cursors[name] = newest or cursor or _text(start)
        return [item for item in found if item.id in unseen]


def _parse(created_on: str) -> datetime:
    # Nexudus's clock, read as it is written: only ever compared with itself.
    return datetime.fromisoformat(created_on.rstrip("Z")[:19])


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
