"""Thread subjects as last read from Nexudus: a cache with a time to live."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from store.database import SqliteFile
from store.models import Record, from_text, to_text


class ThreadSubject(Record):
    thread_id: int
    subject: str
    business_id: int | None = None
    updated_on: str | None = None  # Nexudus's own text
    fetched_at: datetime


class ThreadSubjectRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def remember(self, subjects: Iterable[ThreadSubject]) -> None:
        rows = [{**s.model_dump(), "fetched_at": to_text(s.fetched_at)} for s in subjects]
        if not rows:
            return
        with self._file.transaction() as db:
            db.table("thread_subjects").upsert_all(rows, pk="thread_id")

    def fresh(self, thread_ids: Sequence[int], *, now: datetime, ttl: timedelta) -> dict[int, ThreadSubject]:
        """Those of ``thread_ids`` read from Nexudus less than ``ttl`` ago."""
        if not thread_ids:
            return {}
        marks = ",".join("?" * len(thread_ids))
        with self._file.read() as db:
            rows = list(db.query(f"select * from thread_subjects where thread_id in ({marks})", thread_ids))
        found = {}
        for row in rows:
            fetched = from_text(row["fetched_at"])
            if fetched is not None and now - fetched < ttl:
                found[row["thread_id"]] = ThreadSubject(**{**row, "fetched_at": fetched})
        return found
