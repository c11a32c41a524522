"""Where the relay left off: when it last polled (the bot's clock), ids seen, and run summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from store.database import SqliteFile
from store.digests import insert_digest_items
from store.models import Record, from_text, to_text
from store.outbox import insert_new
from store.relay_models import DigestItem, OutboxMessage

# m005's job_runs has no outcome column: a failed run's summary is stored behind this mark,
# written and read back only in this module.
_FAILED_MARK = "failed: "


class JobRun(Record):
    """A background job's latest run, as ``/newthread status`` shows it."""

    name: str
    started_at: datetime
    finished_at: datetime
    summary: str  # what the job reported, or the error's class and message if it raised
    failed: bool = False


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

    def record_run(self, run: JobRun) -> None:
        """Keep ``run`` as its job's latest run."""
        summary = _FAILED_MARK + run.summary if run.failed else run.summary
        row = {
            "name": run.name,
            "started_at": to_text(run.started_at),
            "finished_at": to_text(run.finished_at),
            "summary": summary,
        }
        with self._file.transaction() as db:
            db.table("job_runs").upsert(row, pk="name")

    def last_run(self, name: str) -> JobRun | None:
        row = self._file.get("job_runs", name)
        return _job_run(row) if row else None

    def all_runs(self) -> list[JobRun]:
        """Every job's latest run, by job name."""
        with self._file.read() as db:
            rows = list(db.table("job_runs").rows_where(order_by="name"))
        return [_job_run(row) for row in rows]


def _job_run(row: dict[str, Any]) -> JobRun:
    summary = str(row["summary"])
    failed = summary.startswith(_FAILED_MARK)
    return JobRun(
        name=row["name"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=datetime.fromisoformat(row["finished_at"]),
        summary=summary.removeprefix(_FAILED_MARK),
        failed=failed,
    )


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
