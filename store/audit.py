"""The admin audit trail: one row per admin action (who, when, what, to what), newest last."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from store.database import SqliteFile
from store.models import Record, from_text, to_text

AuditAction = Literal["link", "unlink", "subscribe", "unsubscribe", "replay"]


class AuditEntry(Record):
    id: int | None = None  # given by the store
    at: datetime
    actor: str  # the admin's Slack user id
    action: AuditAction
    target: str  # a Slack user id (link, unlink), a channel id (subscribe…), "outbox" (replay)
    detail: str = ""


class AuditRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def add(self, entry: AuditEntry) -> AuditEntry:
        with self._file.transaction() as db:
            row = entry.model_dump(exclude={"id"})
            row["at"] = to_text(entry.at)
            table = db.table("audit")
            table.insert(row)
            return entry.model_copy(update={"id": table.last_pk})

    def recent(self, limit: int) -> list[AuditEntry]:
        """The last ``limit`` entries, oldest first (as a log reads)."""
        with self._file.read() as db:
            rows = list(db.query("SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?", [limit]))
        return [_entry(row) for row in reversed(rows)]


def _entry(row: dict[str, object]) -> AuditEntry:
    at = from_text(str(row["at"]))
    assert at is not None
    return AuditEntry.model_validate({**row, "at": at})
