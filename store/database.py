"""The SQLite file: opened once per process, in WAL mode, readable by its owner only.

Bolt listeners and APScheduler jobs run on threads, so one connection is shared
(``check_same_thread=False``), reached only through ``read()`` and ``transaction()``,
which hold its lock. Other bot processes may share the file (``relay --once`` from cron
beside ``serve``, two ``serve`` during a deploy): a writer waits for them
(``busy_timeout``) rather than failing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError, Table

from store.migrations import migrations
from store.schema_guard import NewerDatabase, refuse_newer

OWNER_ONLY = 0o600
# How long a write waits for another process's write transaction: ours last milliseconds
# (the largest, one poll's record, about 20 ms for 1,000 messages), so this is generous.
BUSY_TIMEOUT_MS = 15_000


class SqliteFile:
    """A sqlite-utils ``Database`` behind the lock that serialises its users."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(self.path)
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db = Database(conn)
        self._lock = threading.RLock()
        if self.path != ":memory:":
            self._db.enable_wal()
        # One transaction: two processes starting together apply each step once.
        try:
            with self.transaction():
                refuse_newer(self._db, migrations, self.path)
                migrations.apply(self._db)
        except NewerDatabase:
            conn.close()
            raise

    @contextmanager
    def read(self) -> Iterator[Database]:
        """Hold the lock while the block reads: consume ``rows_where`` inside it, as its
        rows are fetched lazily, on the shared connection."""
        with self._lock:
            yield self._db

    def get(self, table: str, pk: str | int | tuple[str | int, ...]) -> dict[str, Any] | None:
        """The row of ``table`` with this primary key, or None."""
        with self.read() as db:
            try:
                return db.table(table).get(pk)
            except NotFoundError:
                return None

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
        with self._lock:
            db = self._db
            if db.conn.in_transaction:
                with db.atomic():
                    yield db
                return
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.rollback()
                raise

    def pending_migrations(self) -> list[str]:
        with self.read() as db:
            return [m.name for m in migrations.pending(db)]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def delete_counted(table: Table, where: str, args: Sequence[Any]) -> int:
    """``delete_where`` that says how many rows went; call it inside ``transaction()`` so
    the count and the delete see the same rows."""
    gone = table.count_where(where, args)
    table.delete_where(where, args)
    return gone


def _create_private(path: str) -> None:
    # The file holds Nexudus tokens: create it 0600 before SQLite opens it, and
    # tighten an existing one, so there is never a moment it is world-readable.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
    os.close(fd)
    os.chmod(path, OWNER_ONLY)
