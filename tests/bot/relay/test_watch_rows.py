"""The watcher's bookkeeping: each row once, and a database from before the poll window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.portal.models import Reply, Thread
from bot.relay.watch import BoardWatcher
from store import Store
from store.models import to_text

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class ListedTwice:
    """A portal whose paging showed one thread on two pages (a row inserted meanwhile)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def threads_created_since(self, since: str) -> list[Thread]:
        self.asked.append(since)
        thread = Thread(id=5, business_id=1, subject="Twice", created_on="2026-05-01T11:59:00Z")
        return [thread, thread]

    def replies_created_since(self, since: str) -> list[Reply]:
        return []


def watcher(tmp_path: Path, portal: Any) -> tuple[BoardWatcher, Store]:
    store = Store(tmp_path / "bot.db")
    return BoardWatcher(portal, store.relay_state, zones=lambda: ["Europe/London"]), store


def test_a_row_on_two_pages_is_new_once(tmp_path: Path) -> None:
    watch, store = watcher(tmp_path, ListedTwice())
    with store.file.transaction() as db:
        db.table("cursors").insert({"name": "window", "created_on": to_text(NOW - timedelta(minutes=1))})

    activity = watch.poll(NOW)

    assert [t.id for t in activity.threads] == [5]
    assert activity.seen["threads"] == [5]


def test_a_database_from_before_the_window_starts_from_its_last_poll(tmp_path: Path) -> None:
    portal = ListedTwice()
    watch, store = watcher(tmp_path, portal)
    last_poll = NOW - timedelta(hours=3)
    with store.file.transaction() as db:
        # The old cursor held Nexudus's own text (maybe local time, here far ahead); what
        # counts is when the bot wrote it.
        db.table("cursors").insert(
            {"name": "threads", "created_on": "2026-05-02T02:00:00Z", "updated_at": to_text(last_poll)}
        )

    activity = watch.poll(NOW)

    assert not activity.first_run
    assert portal.asked == ["2026-05-01T08:50"]  # the last poll, less ten minutes (London: no lag)
