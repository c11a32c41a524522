"""Messages to send, recorded before sending: a restart neither drops nor repeats one.

Keys say what a message is and who it is for (``reply:42:user:U1``); a key enters the
outbox once, so planning the same delivery twice changes nothing. Several bot processes
may send from one outbox: each claims a message (a conditional UPDATE, until a time)
before calling Slack, so one message has one sender; a claim left by a dead process
expires and is taken over. A failure or a retry is recorded only by the claim's holder;
"sent" is recorded whoever sends, as Slack has the message either way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from store.claims import CLAIMABLE, DUE, UNCLAIMED
from store.database import SqliteFile
from store.models import from_text, to_text
from store.relay_models import OutboxMessage

# A paused channel's messages wait (kept, not failed), as do a Private group's posts while
# that channel's subscription to the group is paused (store.channel_audience).
_GROUP_CLEARED = (
    "EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = outbox.target"
    " AND s.group_id = outbox.needs_group AND s.id NOT IN (SELECT subscription_id FROM subscription_pauses))"
)
_NOT_HELD = (
    f"target NOT IN (SELECT channel_id FROM channel_pauses) AND (needs_group IS NULL OR {_GROUP_CLEARED})"
)
_SENDABLE = f"{DUE} AND {_NOT_HELD}"


@dataclass(frozen=True)
class Backlog:
    due: int  # pending messages whose time has come, not held
    due_since: datetime | None  # when the longest-waiting of them became due


class OutboxRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def add(self, messages: Sequence[OutboxMessage]) -> int:
        """Record messages not recorded before; returns how many are new."""
        with self._file.transaction() as db:
            return insert_new(db, messages)

    def get(self, key: str) -> OutboxMessage | None:
        row = self._file.get("outbox", key)
        return _message(row) if row else None

    def sent_at(self, channel: str, ts: str) -> list[OutboxMessage]:
        """The sent messages Slack put at ``ts`` in ``channel`` (a Slack thread's parent)."""
        with self._file.read() as db:
            rows = db.table("outbox").rows_where("channel = ? AND ts = ? AND state = 'sent'", [channel, ts])
            return [_message(row) for row in rows]

    def due(self, now: datetime, limit: int = 500, *, owner: str | None = None) -> list[OutboxMessage]:
        """Pending messages whose time has come, except those another sender has claimed."""
        with self._file.read() as db:
            rows = db.table("outbox").rows_where(
                f"{_SENDABLE} AND {CLAIMABLE}",
                {"now": to_text(now), "owner": owner},
                order_by="created_at, rowid",
                limit=limit,
            )
            return [_message(row) for row in rows]

    def claim(self, key: str, owner: str, until: datetime, now: datetime) -> bool:
        """Take a due message for one send until ``until``; False if it was sent, failed,
        is not due, or another sender holds a live claim on it."""
        with self._file.transaction() as db:
            cursor = db.execute(
                f"UPDATE outbox SET claimed_by = :owner, claim_until = :until"
                f" WHERE key = :key AND {_SENDABLE} AND {CLAIMABLE}",
                {"owner": owner, "until": to_text(until), "key": key, "now": to_text(now)},
            )
            return cursor.rowcount == 1

    def release_claims(self, owner: str, *, keep: Sequence[str] = ()) -> int:
        """Give up ``owner``'s claims on messages it did not send (shutting down), except
        ``keep``: messages it sent but could not yet record as sent."""
        marks = ", ".join("?" for _ in keep)
        with self._file.transaction() as db:
            cursor = db.execute(
                f"UPDATE outbox SET {UNCLAIMED} WHERE claimed_by = ? AND state = 'pending'"
                f" AND key NOT IN ({marks})",
                [owner, *keep],
            )
            return cursor.rowcount

    def mark_sent(self, key: str, channel: str, ts: str, now: datetime) -> None:
        """Unconditional: once Slack has accepted a message, that is what the outbox says."""
        self._update(
            key,
            state="sent",
            channel=channel,
            ts=ts,
            sent_at=to_text(now),
            last_error=None,
            claimed_by=None,
            claim_until=None,
        )

    def retry_later(self, key: str, reason: str, at: datetime, *, owner: str) -> bool:
        """Put a message ``owner`` holds back for a retry at ``at``; False if it no longer
        holds it (its claim lapsed and another sender took it, or sent it)."""
        return self._settle(
            "attempts = attempts + 1, last_error = :reason, next_attempt_at = :at",
            {"key": key, "owner": owner, "reason": reason, "at": to_text(at)},
        )

    def fail(self, key: str, reason: str, *, owner: str) -> bool:
        """Keep a message ``owner`` holds as failed, with its reason; False as for ``retry_later``."""
        return self._settle(
            "state = 'failed', attempts = attempts + 1, last_error = :reason",
            {"key": key, "owner": owner, "reason": reason},
        )

    def hold(self, key: str, reason: str, *, owner: str) -> bool:
        """Give back a message ``owner`` holds, still pending, with the reason it waits (its
        channel was just paused); False as for ``retry_later``."""
        return self._settle("last_error = :reason", {"key": key, "owner": owner, "reason": reason})

    def in_state(self, state: str, limit: int = 20) -> list[OutboxMessage]:
        with self._file.read() as db:
            rows = db.table("outbox").rows_where(
                "state = ?", [state], order_by="created_at DESC", limit=limit
            )
            return [_message(row) for row in rows]

    def sent_since(self, key_prefix: str, since: datetime) -> list[OutboxMessage]:
        """Sent messages whose key starts with ``key_prefix`` (built by ``bot.relay.keys``),
        recorded at or after ``since``, oldest first."""
        with self._file.read() as db:
            rows = db.table("outbox").rows_where(
                "state = 'sent' AND substr(key, 1, length(:prefix)) = :prefix AND created_at >= :since",
                {"prefix": key_prefix, "since": to_text(since)},
                order_by="created_at, rowid",
            )
            return [_message(row) for row in rows]

    def group_cleared(self, keys: Sequence[str]) -> set[str]:
        """Those of ``keys`` made for a Private group (``needs_group``) whose channel still
        has an unpaused subscription to that group: their channel still fits the group."""
        if not keys:
            return set()
        marks = ", ".join("?" for _ in keys)
        with self._file.read() as db:
            rows = db.execute(
                f"SELECT key FROM outbox WHERE key IN ({marks}) AND needs_group IS NOT NULL"
                f" AND {_GROUP_CLEARED}",
                list(keys),
            ).fetchall()
        return {str(row[0]) for row in rows}

    def sent_under(self, parent_key: str) -> list[OutboxMessage]:
        """Sent messages threaded under another one (a channel post's relayed replies)."""
        with self._file.read() as db:
            rows = db.table("outbox").rows_where(
                "state = 'sent' AND parent_key = ?", [parent_key], order_by="created_at, rowid"
            )
            return [_message(row) for row in rows]

    def count(self, state: str) -> int:
        with self._file.read() as db:
            return db.table("outbox").count_where("state = ?", [state])

    def depth(self) -> dict[str, int]:
        """How many messages are in each state, for ``/metrics``."""
        with self._file.read() as db:
            rows = db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
        return {str(state): int(count) for state, count in rows}

    def backlog(self, now: datetime) -> Backlog:
        """Messages that could be sent now, and since when the longest-waiting one has been
        due. Held messages (a paused channel) and retries not yet due are no backlog."""
        with self._file.read() as db:
            count, since = db.execute(
                f"SELECT count(*), min(coalesce(next_attempt_at, created_at)) FROM outbox WHERE {_SENDABLE}",
                {"now": to_text(now)},
            ).fetchone()
        return Backlog(int(count), from_text(since))

    def drop_unsubscribed(self, channel_id: str) -> int:
        """Delete the channel's unsent Private-group messages (``needs_group``) that no
        subscription of the channel to that group is left to release: unsubscribed, they
        would be held forever, counted nowhere. Returns how many went."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "DELETE FROM outbox WHERE target = ? AND state = 'pending' AND needs_group IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel_id = outbox.target"
                " AND s.group_id = outbox.needs_group)",
                [channel_id],
            )
            return cursor.rowcount

    def replay_failed(self) -> int:
        """Give every failed message another go (an admin fixed the cause)."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = NULL WHERE state = 'failed'"
            )
            return cursor.rowcount

    def _settle(self, changes: str, params: dict[str, Any]) -> bool:
        # Only the claim's holder records an outcome, and only on a pending message: a
        # sender whose claim lapsed must not turn a message another process sent into a
        # failed one, which "replay failed" would then send again.
        with self._file.transaction() as db:
            cursor = db.execute(
                f"UPDATE outbox SET {changes}, {UNCLAIMED}"
                " WHERE key = :key AND state = 'pending' AND claimed_by = :owner",
                params,
            )
            return cursor.rowcount == 1

    def _update(self, key: str, **fields: Any) -> None:
        with self._file.transaction() as db:
            db.table("outbox").update(key, fields)


def insert_new(db: Database, messages: Sequence[OutboxMessage]) -> int:
    """Insert inside the caller's transaction; existing keys are left untouched, and so is a
    Private group's message whose channel no longer subscribes to that group."""
    added = 0
    for message in messages:
        if message.needs_group is not None and not _subscribed(db, message.target, message.needs_group):
            # Unsubscribed (by another process) since it was planned: its held rows were
            # dropped then, and nothing would ever release this one (``drop_unsubscribed``).
            continue
        cursor = db.execute(
            "INSERT OR IGNORE INTO outbox (key, target, parent_key, text, blocks_json, state,"
            " attempts, created_at, needs_group) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            [
                message.key,
                message.target,
                message.parent_key,
                message.text,
                json.dumps(message.blocks),
                to_text(message.created_at),
                message.needs_group,
            ],
        )
        added += cursor.rowcount
    return added


def _subscribed(db: Database, channel_id: str, group_id: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM subscriptions WHERE channel_id = ? AND group_id = ? LIMIT 1", [channel_id, group_id]
    ).fetchone()
    return row is not None


def _message(row: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        key=row["key"],
        target=row["target"],
        parent_key=row["parent_key"],
        text=row["text"],
        blocks=json.loads(row["blocks_json"] or "[]"),
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=from_text(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=from_text(row["created_at"]),
        sent_at=from_text(row["sent_at"]),
        channel=row["channel"],
        ts=row["ts"],
        needs_group=row.get("needs_group"),
    )
