"""Who is in each channel (a cache of Slack's answer) and which channels and subscriptions
are paused, with why.

Pausing and resuming are transitions (a conditional write): the notices that go with one
are queued in the same transaction, so two processes noticing the same change tell the
admin once. The outbox holds a paused channel's messages back (``store.outbox``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from store.database import SqliteFile
from store.models import Record, from_text, to_text
from store.outbox import insert_new
from store.relay_models import OutboxMessage

# Why the bot cannot post in a channel: each is lifted by its own event.
PauseCause = Literal["removed", "archived", "deleted"]


class AudienceMember(Record):
    user_id: str
    guest: bool = False  # a Slack guest (single- or multi-channel)
    external: bool = False  # from another organisation (Slack Connect)
    bot: bool = False
    deleted: bool = False


class ChannelAudience(Record):
    channel_id: str
    is_private: bool
    shared: bool
    members: tuple[AudienceMember, ...]
    refreshed_at: datetime

    def people(self) -> list[AudienceMember]:
        """Members who read the channel: bots and deactivated accounts do not."""
        return [m for m in self.members if not m.bot and not m.deleted]

    def outsiders(self) -> list[AudienceMember]:
        """Guests and people of other organisations."""
        return [m for m in self.people() if m.guest or m.external]

    @property
    def limited(self) -> bool:
        """Only what the whole board may see goes here (guests, Slack Connect)."""
        return self.shared or bool(self.outsiders())


class ChannelPause(Record):
    channel_id: str
    cause: PauseCause
    reason: str
    paused_at: datetime


class SubscriptionPause(Record):
    subscription_id: int
    reason: str
    paused_at: datetime


class ChannelAudienceRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, channel_id: str) -> ChannelAudience | None:
        row = self._file.get("channel_audiences", channel_id)
        if row is None or row["members_json"] is None:  # never read, or forgotten since
            return None
        refreshed_at = from_text(row["refreshed_at"])
        assert refreshed_at is not None
        return ChannelAudience(
            channel_id=channel_id,
            is_private=bool(row["is_private"]),
            shared=bool(row["shared"]),
            members=tuple(AudienceMember(**m) for m in json.loads(row["members_json"] or "[]")),
            refreshed_at=refreshed_at,
        )

    def remember(self, audience: ChannelAudience, *, read_since: datetime) -> bool:
        """Cache an audience read from Slack from ``read_since`` on, unless the channel was
        forgotten (someone joined or left) or read afresh after that moment, by this process
        or another: a slow read must never overwrite what a later event made known. False
        when it was not kept."""
        row = {
            "channel_id": audience.channel_id,
            "is_private": int(audience.is_private),
            "shared": int(audience.shared),
            "members_json": json.dumps([m.model_dump() for m in audience.members]),
            "refreshed_at": to_text(audience.refreshed_at),
            "since": to_text(read_since),
        }
        with self._file.transaction() as db:
            cursor = db.execute(
                "INSERT INTO channel_audiences (channel_id, is_private, shared, members_json, refreshed_at)"
                " VALUES (:channel_id, :is_private, :shared, :members_json, :refreshed_at)"
                " ON CONFLICT (channel_id) DO UPDATE SET is_private = excluded.is_private,"
                " shared = excluded.shared, members_json = excluded.members_json,"
                " refreshed_at = excluded.refreshed_at WHERE channel_audiences.refreshed_at <= :since",
                row,
            )
            return cursor.rowcount == 1

    def forget(self, channel_id: str, now: datetime) -> None:
        """Drop the cached audience (it is read from Slack again when next asked for), and
        remember when: a read that began before this moment is not cached (``remember``)."""
        with self._file.transaction() as db:
            db.execute(
                "INSERT INTO channel_audiences (channel_id, refreshed_at) VALUES (?, ?)"
                " ON CONFLICT (channel_id) DO UPDATE SET members_json = NULL,"
                " refreshed_at = excluded.refreshed_at",
                [channel_id, to_text(now)],
            )

    def pause_channel(self, channel_id: str, cause: PauseCause, reason: str, now: datetime) -> bool:
        """True if the channel was not paused before (the first cause is kept)."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO channel_pauses (channel_id, cause, reason, paused_at)"
                " VALUES (?, ?, ?, ?)",
                [channel_id, cause, reason, to_text(now)],
            )
            return cursor.rowcount == 1

    def resume_channel(self, channel_id: str, causes: Sequence[PauseCause]) -> bool:
        """Lift the channel's pause if its cause is one of ``causes``; True if lifted."""
        marks = ", ".join("?" for _ in causes)
        with self._file.transaction() as db:
            cursor = db.execute(
                f"DELETE FROM channel_pauses WHERE channel_id = ? AND cause IN ({marks})",
                [channel_id, *causes],
            )
            return cursor.rowcount == 1

    def channel_pauses(self) -> list[ChannelPause]:
        with self._file.read() as db:
            rows = list(db.table("channel_pauses").rows_where(order_by="paused_at"))
        return [ChannelPause(**{**r, "paused_at": from_text(r["paused_at"])}) for r in rows]

    def pause_subscription(
        self, subscription_id: int, reason: str, now: datetime, notices: Sequence[OutboxMessage]
    ) -> bool:
        """Pause and queue ``notices``, unless paused already; True if paused now."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO subscription_pauses (subscription_id, reason, paused_at)"
                " VALUES (?, ?, ?)",
                [subscription_id, reason, to_text(now)],
            )
            if cursor.rowcount != 1:
                return False
            insert_new(db, notices)
            return True

    def resume_subscription(self, subscription_id: int, notices: Sequence[OutboxMessage]) -> bool:
        """Lift the pause and queue ``notices``, if paused; True if resumed now."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "DELETE FROM subscription_pauses WHERE subscription_id = ?", [subscription_id]
            )
            if cursor.rowcount != 1:
                return False
            insert_new(db, notices)
            return True

    def subscription_pauses(self) -> dict[int, SubscriptionPause]:
        with self._file.read() as db:
            rows = list(db.table("subscription_pauses").rows_where())
        return {
            r["subscription_id"]: SubscriptionPause(**{**r, "paused_at": from_text(r["paused_at"])})
            for r in rows
        }
