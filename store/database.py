"""The SQLite file: opened once per process, in WAL mode, readable by its owner only.

Bolt listeners and APScheduler jobs run on threads, so one connection is shared
(``check_same_thread=False``) and every unit of work holds ``lock``. Other bot processes
may share the file (``relay --once`` from cron beside ``serve``, two ``serve`` during a
deploy): a writer waits for them (``busy_timeout``) rather than failing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from store.migrations import migrations

OWNER_ONLY = 0o600
# How long a write waits for another process's write transaction: ours last milliseconds
# (the largest, one poll's record, about 20 ms for 1,000 messages), so this is generous.
BUSY_TIMEOUT_MS = 15_000


class SqliteFile:
    """A sqlite-utils ``Database`` plus the lock that serialises its users."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(self.path)
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db = Database(conn)
        self.lock = threading.RLock()
        if self.path != ":memory:":
            self.db.enable_wal()
        # One transaction: two processes starting together apply each step once.
        with self.transaction():
            migrations.apply(self.db)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Hold the lock and run the block as one write transaction.

        ``BEGIN IMMEDIATE`` takes SQLite's write lock up front, waiting up to
        ``busy_timeout`` for another process. A deferred transaction that reads and then
        writes cannot be upgraded once another process has written, and fails at once
        with SQLITE_BUSY: the busy handler is skipped as it could deadlock
        (sqlite.org/lang_transaction.html, sqlite.org/c3ref/busy_handler.html).
        A nested block becomes a savepoint.
        """
        with self.lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield self.db
                return
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.conn.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.rollback()
                raise

    def pending_migrations(self) -> list[str]:
        with self.lock:
            return [m.name for m in migrations.pending(self.db)]

    def close(self) -> None:
        with self.lock:
            self.db.close()


def _create_private(path: str) -> None:
    # The file holds Nexudus tokens: create it 0600 before SQLite opens it, and
    # tighten an existing one, so there is never a moment it is world-readable.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
    os.close(fd)
    os.chmod(path, OWNER_ONLY)
