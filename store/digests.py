"""Items waiting for a digest, per target (a person or a channel subscription)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from store.database import SqliteFile
from store.models import from_text, to_text
from store.outbox import insert_new
from store.relay_models import DigestItem, OutboxMessage


class DigestRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def add(self, items: Sequence[DigestItem]) -> int:
        """Queue items; an item already queued for a target (digested or not) is ignored."""
        with self._file.transaction() as db:
            return insert_digest_items(db, items)

    def targets_waiting(self) -> list[str]:
        with self._file.read() as db:
            rows = db.table("digest_items").rows_where(
                "digested_at IS NULL", select="DISTINCT target", order_by="target"
            )
            return [str(row["target"]) for row in rows]

    def waiting(self, target: str) -> list[DigestItem]:
        with self._file.read() as db:
            rows = db.table("digest_items").rows_where(
                "target = ? AND digested_at IS NULL", [target], order_by="created_at, item_key"
            )
            return [_item(row) for row in rows]

    def close_digest(
        self, target: str, item_keys: Sequence[str], messages: Sequence[OutboxMessage], now: datetime
    ) -> bool:
        """Hand a digest to the outbox and mark its items digested, atomically; False, with
        nothing recorded, if another process digested any of them first (one whose digest
        lease lapsed while it was paused records nothing)."""
        try:
            with self._file.transaction() as db:
                if _mark_digested(db, target, item_keys, now) < len(set(item_keys)):
                    raise _AlreadyDigested
                insert_new(db, messages)
        except _AlreadyDigested:
            return False
        return True

    def drop(self, target: str, item_keys: Sequence[str], now: datetime) -> None:
        """Items that must not be sent after all (a thread turned private)."""
        with self._file.transaction() as db:
            _mark_digested(db, target, item_keys, now)


class _AlreadyDigested(Exception):
    """Rolls back a digest whose items another process has digested."""


def _mark_digested(db: Database, target: str, item_keys: Sequence[str], now: datetime) -> int:
    """Mark items not digested yet; returns how many were marked."""
    marked = 0
    for key in dict.fromkeys(item_keys):
        cursor = db.execute(
            "UPDATE digest_items SET digested_at = ?"
            " WHERE target = ? AND item_key = ? AND digested_at IS NULL",
            [to_text(now), target, key],
        )
        marked += cursor.rowcount
    return marked


def insert_digest_items(db: Database, items: Sequence[DigestItem]) -> int:
    """Insert inside the caller's transaction; an item already queued is left as it is."""
    added = 0
    for item in items:
        cursor = db.execute(
            "INSERT OR IGNORE INTO digest_items (target, item_key, payload_json, created_at)"
            " VALUES (?, ?, ?, ?)",
            [item.target, item.item_key, json.dumps(item.payload), to_text(item.created_at)],
        )
        added += cursor.rowcount
    return added


def _item(row: dict[str, Any]) -> DigestItem:
    created = from_text(row["created_at"])
    assert created is not None
    return DigestItem(
        target=row["target"],
        item_key=row["item_key"],
        payload=json.loads(row["payload_json"]),
        created_at=created,
    )
