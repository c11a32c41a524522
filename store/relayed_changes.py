"""Portal edits and removals carried to Slack messages the relay sent, each done once.

A change is a row keyed by the Slack message (its outbox key) and what changed; recording
it twice changes nothing. As with the outbox, a process claims a change (a conditional
UPDATE, until a time) before calling ``chat.update``, and only the claim's holder records
a retry or a failure; "done" is recorded whoever did it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from store.claims import CLAIMABLE, DUE, UNCLAIMED
from store.database import SqliteFile
from store.models import Record, from_text, to_text

ChangeState = Literal["pending", "done", "failed"]
WITHDRAWN = "withdrawn"


class RelayedChange(Record):
    key: str  # the outbox key of the Slack message (bot.relay.keys)
    change: str  # WITHDRAWN, "edit:…" (to send), or "shown:…" (a record, done from the start)
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    fingerprint: str | None = None
    state: ChangeState = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime


class RelayedChangeRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def add(self, changes: Sequence[RelayedChange]) -> int:
        """Record changes not recorded before; returns how many are new."""
        added = 0
        with self._file.transaction() as db:
            for change in changes:
                row = {**change.model_dump(exclude={"blocks"}), "blocks_json": json.dumps(change.blocks)}
                row["created_at"] = to_text(change.created_at)
                row["next_attempt_at"] = to_text(change.next_attempt_at) if change.next_attempt_at else None
                names = ", ".join(row)
                marks = ", ".join(f":{name}" for name in row)
                cursor = db.execute(f"INSERT OR IGNORE INTO relayed_changes ({names}) VALUES ({marks})", row)
                added += cursor.rowcount
        return added

    def withdrawn(self, keys: Sequence[str]) -> set[str]:
        """Those of ``keys`` already replaced by the "no longer available" notice (or queued to be)."""
        if not keys:
            return set()
        marks = ", ".join("?" for _ in keys)
        with self._file.read() as db:
            rows = db.execute(
                f"SELECT key FROM relayed_changes WHERE change = ? AND key IN ({marks})", [WITHDRAWN, *keys]
            ).fetchall()
        return {row[0] for row in rows}

    def latest_fingerprints(self, keys: Sequence[str]) -> dict[str, str]:
        """The rendering of the last edit recorded for each of these messages that has one:
        one read for a whole scan."""
        if not keys:
            return {}
        marks = ", ".join("?" for _ in keys)
        with self._file.read() as db:
            rows = db.execute(
                f"SELECT key, fingerprint FROM relayed_changes WHERE change != ? AND key IN ({marks})"
                " ORDER BY created_at, rowid",
                [WITHDRAWN, *keys],
            ).fetchall()
        return {key: fingerprint for key, fingerprint in rows}  # the latest of each key wins

    def due(self, now: datetime, *, owner: str, limit: int = 200) -> list[RelayedChange]:
        with self._file.read() as db:
            rows = db.table("relayed_changes").rows_where(
                f"{DUE} AND {CLAIMABLE}",
                {"now": to_text(now), "owner": owner},
                order_by="created_at, rowid",
                limit=limit,
            )
            return [_change(row) for row in rows]

    def claim(self, change: RelayedChange, owner: str, until: datetime, now: datetime) -> bool:
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE relayed_changes SET claimed_by = :owner, claim_until = :until"
                f" WHERE key = :key AND change = :change AND {DUE} AND {CLAIMABLE}",
                {
                    "owner": owner,
                    "until": to_text(until),
                    "key": change.key,
                    "change": change.change,
                    "now": to_text(now),
                },
            )
            return cursor.rowcount == 1

    def release(self, change: RelayedChange, *, owner: str) -> bool:
        """Give back a claim unused (a stop while the change waited its channel's turn)."""
        with self._file.transaction() as db:
            cursor = db.execute(
                f"UPDATE relayed_changes SET {UNCLAIMED} WHERE key = ? AND change = ? AND claimed_by = ?",
                [change.key, change.change, owner],
            )
            return cursor.rowcount == 1

    def mark_done(self, change: RelayedChange, now: datetime) -> None:
        with self._file.transaction() as db:
            db.execute(
                f"UPDATE relayed_changes SET state = 'done', done_at = ?, last_error = NULL, {UNCLAIMED}"
                " WHERE key = ? AND change = ?",
                [to_text(now), change.key, change.change],
            )

    def retry_later(
        self, change: RelayedChange, reason: str, at: datetime, *, owner: str, counted: bool = True
    ) -> bool:
        """Retry at ``at``; a wait that is not the change's fault (a 429) is not ``counted``."""
        attempts = "attempts + 1" if counted else "attempts"
        return self._settle(
            change,
            owner,
            f"attempts = {attempts}, last_error = :reason, next_attempt_at = :at",
            {"reason": reason, "at": to_text(at)},
        )

    def fail(self, change: RelayedChange, reason: str, *, owner: str) -> bool:
        return self._settle(
            change,
            owner,
            "state = 'failed', attempts = attempts + 1, last_error = :reason",
            {"reason": reason},
        )

    def in_state(self, state: ChangeState) -> list[RelayedChange]:
        with self._file.read() as db:
            rows = db.table("relayed_changes").rows_where("state = ?", [state], order_by="created_at, rowid")
            return [_change(row) for row in rows]

    def last_scan(self, name: str) -> datetime | None:
        row = self._file.get("change_scans", name)
        return from_text(row["at"]) if row else None

    def record_scan(self, name: str, at: datetime) -> None:
        with self._file.transaction() as db:
            db.table("change_scans").upsert({"name": name, "at": to_text(at)}, pk="name")

    def _settle(self, change: RelayedChange, owner: str, changes: str, params: dict[str, Any]) -> bool:
        # Only the claim's holder records an outcome, as in the outbox.
        with self._file.transaction() as db:
            cursor = db.execute(
                f"UPDATE relayed_changes SET {changes}, {UNCLAIMED}"
                " WHERE key = :key AND change = :change AND state = 'pending' AND claimed_by = :owner",
                {**params, "key": change.key, "change": change.change, "owner": owner},
            )
            return cursor.rowcount == 1


def _change(row: dict[str, Any]) -> RelayedChange:
    return RelayedChange(
        key=row["key"],
        change=row["change"],
        channel=row["channel"],
        ts=row["ts"],
        text=row["text"],
        blocks=json.loads(row["blocks_json"] or "[]"),
        fingerprint=row["fingerprint"],
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=from_text(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=from_text(row["created_at"]),
    )
