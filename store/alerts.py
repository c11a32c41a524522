"""Alerts for admins: raised once, cleared once, across processes and restarts.

A row per alert ``key``: raised while ``cleared_at`` is empty. Raising or clearing and
queueing the admins' notices happen in one transaction, so two processes noticing the
same trouble queue one set of notices, and the outbox sends each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from store.database import SqliteFile
from store.models import Record, from_text, to_text
from store.outbox import insert_new
from store.relay_models import OutboxMessage


class Alert(Record):
    key: str
    text: str
    raised_at: datetime
    cleared_at: datetime | None = None

    @property
    def raised(self) -> bool:
        return self.cleared_at is None


class AlertRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, key: str) -> Alert | None:
        row = self._file.get("alerts", key)
        if row is None:
            return None
        raised_at = from_text(row["raised_at"])
        assert raised_at is not None
        return Alert(key=key, text=row["text"], raised_at=raised_at, cleared_at=from_text(row["cleared_at"]))

    def raise_once(self, key: str, text: str, now: datetime, notices: Sequence[OutboxMessage]) -> bool:
        """Raise ``key`` and queue ``notices``, unless it is raised already; True if raised now."""
        with self._file.transaction() as db:
            row = db.execute("SELECT cleared_at FROM alerts WHERE key = ?", [key]).fetchone()
            if row is not None and row[0] is None:
                return False
            db.table("alerts").upsert(
                {"key": key, "raised_at": to_text(now), "cleared_at": None, "text": text}, pk="key"
            )
            insert_new(db, notices)
            return True

    def clear(self, key: str, now: datetime, notices: Sequence[OutboxMessage]) -> bool:
        """Clear ``key`` and queue ``notices``, if it is raised; True if cleared now."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE alerts SET cleared_at = ? WHERE key = ? AND cleared_at IS NULL", [to_text(now), key]
            )
            if cursor.rowcount != 1:
                return False
            insert_new(db, notices)
            return True
