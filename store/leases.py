"""Leases: work that one bot process at a time may do, held for a while and renewed.

A lease is a row ``(name, owner, expires_at)``. Taking it is one conditional statement,
so two processes asking at once cannot both get it; a holder that dies stops renewing,
and once ``expires_at`` passes anyone may take it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from store.database import SqliteFile
from store.models import from_text, to_text


class LeaseRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def acquire(self, name: str, owner: str, ttl: timedelta, now: datetime) -> bool:
        """Take ``name`` until ``now + ttl`` if nobody holds it (or their hold expired).

        Not re-entrant: an owner already holding it gets False, like anyone else.
        """
        with self._file.transaction() as db:
            cursor = db.execute(
                "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET owner = excluded.owner,"
                " expires_at = excluded.expires_at WHERE leases.expires_at <= ?",
                [name, owner, to_text(now + ttl), to_text(now)],
            )
            return cursor.rowcount == 1

    def renew(self, name: str, owner: str, ttl: timedelta, now: datetime) -> bool:
        """Extend a lease ``owner`` still holds; False if someone else has taken it."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?",
                [to_text(now + ttl), name, owner],
            )
            return cursor.rowcount == 1

    def release(self, name: str, owner: str) -> None:
        with self._file.transaction() as db:
            db.table("leases").delete_where("name = ? AND owner = ?", [name, owner])

    def holder(self, name: str, now: datetime) -> tuple[str, datetime] | None:
        """Who holds ``name`` and until when, if the hold is live."""
        row = self._file.get("leases", name)
        until = from_text(row["expires_at"]) if row else None
        if row is None or until is None or until <= now:
            return None
        return str(row["owner"]), until
