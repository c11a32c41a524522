"""Where the relay left off: cursors in Nexudus's own clock, ids seen, and run summaries."""

from __future__ import annotations

from datetime import datetime

from store.database import SqliteFile
from store.models import from_text, to_text


class RelayStateRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def cursor(self, name: str) -> str | None:
        with self._file.lock:
            rows = list(self._file.db.table("cursors").rows_where("name = ?", [name]))
        return str(rows[0]["created_on"]) if rows else None

    def unseen(self, kind: str, item_ids: list[int]) -> list[int]:
        """The ids not yet processed, in the order given."""
        if not item_ids:
            return []
        with self._file.lock:
            marks = ",".join("?" for _ in item_ids)
            seen = {
                row[0]
                for row in self._file.db.execute(
                    f"SELECT item_id FROM seen_items WHERE kind = ? AND item_id IN ({marks})",
                    [kind, *item_ids],
                ).fetchall()
            }
        return [i for i in item_ids if i not in seen]

    def advance(
        self, name: str, kind: str, item_ids: list[int], created_on: str | None, now: datetime
    ) -> None:
        """Mark ids seen and move the cursor, in one transaction."""
        with self._file.transaction() as db:
            db.table("seen_items").upsert_all(
                [{"kind": kind, "item_id": i, "seen_at": to_text(now)} for i in item_ids],
                pk=("kind", "item_id"),
            )
            current = self.cursor(name)
            if created_on is not None and (current is None or created_on > current):
                db.table("cursors").upsert(
                    {"name": name, "created_on": created_on, "updated_at": to_text(now)}, pk="name"
                )

    def start_cursor(self, name: str, created_on: str, now: datetime) -> None:
        with self._file.transaction() as db:
            db.table("cursors").upsert(
                {"name": name, "created_on": created_on, "updated_at": to_text(now)}, pk="name"
            )

    def forget_seen_before(self, moment: datetime) -> None:
        with self._file.transaction() as db:
            db.execute("DELETE FROM seen_items WHERE seen_at < ?", [to_text(moment)])

    def record_run(self, name: str, started: datetime, finished: datetime, summary: str) -> None:
        with self._file.transaction() as db:
            db.table("job_runs").upsert(
                {
                    "name": name,
                    "started_at": to_text(started),
                    "finished_at": to_text(finished),
                    "summary": summary,
                },
                pk="name",
            )

    def last_run(self, name: str) -> tuple[datetime, str] | None:
        with self._file.lock:
            rows = list(self._file.db.table("job_runs").rows_where("name = ?", [name]))
        if not rows:
            return None
        finished = from_text(rows[0]["finished_at"])
        assert finished is not None
        return finished, str(rows[0]["summary"])
