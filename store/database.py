"""The SQLite file: opened once per process, in WAL mode, readable by its owner only.

Bolt listeners and APScheduler jobs run on threads, so one connection is shared
(``check_same_thread=False``) and every unit of work holds ``lock``.
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


class SqliteFile:
    """A sqlite-utils ``Database`` plus the lock that serialises its users."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(self.path)
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self.db = Database(conn)
        self.lock = threading.RLock()
        if self.path != ":memory:":
            self.db.enable_wal()
        migrations.apply(self.db)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """Hold the lock and run the block as one transaction."""
        with self.lock, self.db.atomic():
            yield self.db

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
