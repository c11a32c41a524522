"""Channels subscribed to the board, with their filters and digest stamps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from store.database import SqliteFile, delete_counted
from store.models import from_text, to_text
from store.relay_models import Subscription, SubscriptionMode


class SubscriptionRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def add(
        self,
        *,
        channel_id: str,
        mode: SubscriptionMode,
        business_id: int | None,
        group_id: int | None,
        tag: str | None,
        digest_time: str | None,
        created_by: str,
        now: datetime,
    ) -> Subscription:
        with self._file.transaction() as db:
            table = db.table("subscriptions")
            table.insert(
                {
                    "channel_id": channel_id,
                    "mode": mode,
                    "business_id": business_id,
                    "group_id": group_id,
                    "tag": tag,
                    "digest_time": digest_time,
                    "created_by": created_by,
                    "created_at": to_text(now),
                    # A new digest subscription starts now: nothing older is owed to it.
                    "last_digest_at": to_text(now),
                }
            )
            new_id = table.last_rowid
        assert new_id is not None
        found = self.get(new_id)
        assert found is not None
        return found

    def get(self, subscription_id: int) -> Subscription | None:
        row = self._file.get("subscriptions", subscription_id)
        return _subscription(row) if row else None

    def all(self, mode: SubscriptionMode | None = None) -> list[Subscription]:
        where, args = ("mode = ?", [mode]) if mode else (None, [])
        with self._file.read() as db:
            rows = db.table("subscriptions").rows_where(where, args, order_by="id")
            return [_subscription(row) for row in rows]

    def in_channel(self, channel_id: str) -> list[Subscription]:
        with self._file.read() as db:
            rows = db.table("subscriptions").rows_where("channel_id = ?", [channel_id], order_by="id")
            return [_subscription(row) for row in rows]

    def remove(self, channel_id: str, subscription_id: int | None = None) -> int:
        """Remove one of the channel's subscriptions, or all of them; returns how many went."""
        with self._file.transaction() as db:
            table = db.table("subscriptions")
            if subscription_id is None:
                return delete_counted(table, "channel_id = ?", [channel_id])
            return delete_counted(table, "channel_id = ? AND id = ?", [channel_id, subscription_id])

    def digested(self, subscription_id: int, now: datetime) -> None:
        with self._file.transaction() as db:
            db.table("subscriptions").update(subscription_id, {"last_digest_at": to_text(now)})


def _subscription(row: dict[str, Any]) -> Subscription:
    return Subscription(
        **{
            **row,
            "created_at": from_text(row["created_at"]),
            "last_digest_at": from_text(row["last_digest_at"]),
        }
    )
