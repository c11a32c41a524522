"""Where the relay left off: when it last polled (the bot's clock), ids seen, and run summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from store.database import SqliteFile
from store.digests import insert_digest_items
from store.models import from_text, to_text
from store.outbox import insert_new
from store.relay_models import DigestItem, OutboxMessage


class RelayStateRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def cursor(self, name: str) -> str | None:
        row = self._file.get("cursors", name)
        return str(row["created_on"]) if row else None

    def cursor_recorded_at(self, name: str) -> datetime | None:
        """When a cursor was last written, by the bot's clock."""
        row = self._file.get("cursors", name)
        return from_text(row["updated_at"]) if row else None

    def unseen(self, kind: str, item_ids: list[int]) -> list[int]:
        """The ids not yet processed, in the order given."""
        if not item_ids:
            return []
        marks = ",".join("?" for _ in item_ids)
        with self._file.read() as db:
            rows = db.table("seen_items").rows_where(
                f"kind = ? AND item_id IN ({marks})", [kind, *item_ids], select="item_id"
            )
            seen = {row["item_id"] for row in rows}
        return [i for i in item_ids if i not in seen]

    def forget_seen_before(self, moment: datetime) -> None:
        with self._file.transaction() as db:
            db.table("seen_items").delete_where("seen_at < ?", [to_text(moment)])

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
        row = self._file.get("job_runs", name)
        if row is None:
            return None
        finished = from_text(row["finished_at"])
        assert finished is not None
        return finished, str(row["summary"])


def record_poll(
    file: SqliteFile,
    *,
    messages: Sequence[OutboxMessage],
    digest_items: Sequence[DigestItem],
    seen: dict[str, list[int]],
    cursors: dict[str, str],
    now: datetime,
) -> None:
    """Everything one poll decided, in one transaction: a crash before it leaves the poll to
    be done again (the same keys, so nothing twice); after it, nothing is lost."""
    with file.transaction() as db:
        insert_new(db, messages)
        insert_digest_items(db, digest_items)
        for kind, ids in seen.items():
            db.table("seen_items").upsert_all(
                [{"kind": kind, "item_id": i, "seen_at": to_text(now)} for i in ids],
                pk=("kind", "item_id"),
            )
        for name, created_on in cursors.items():
            db.table("cursors").upsert(
                {"name": name, "created_on": created_on, "updated_at": to_text(now)}, pk="name"
            )
