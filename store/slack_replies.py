"""Replies members typed in a Slack thread, on their way to the portal thread it mirrors.

Keyed on where Slack put the member's message (``channel``, ``ts``: unique per channel).
A reply moves posting → posted (or failed, kept for the member's Retry) → deleted; the member
deleting it in Slack before it is posted moves it straight to deleted (``withdraw``). ``claim``
(an INSERT OR IGNORE) and ``take_over`` (a conditional UPDATE) are the only ways into
"posting", so a retried or duplicate event, or a second bot process, never posts twice; a
"posting" row older than ``STALE_CLAIM`` was left by a process that died mid-call.

A claim is the row's ``updated_at`` while it is "posting": the holder renews it before each
slow call and finishes it only if it still holds it, so a slow attempt whose claim was taken
over never overwrites what the newer attempt recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Literal

from store.database import SqliteFile
from store.models import Record, from_text, to_text

# Longer than one Nexudus call after a renewal: a write's 10 s timeout, a 10 s limiter wait,
# and a token renewal with its probe (bot.portal.transport), with room to spare.
STALE_CLAIM = timedelta(minutes=2)

SlackReplyState = Literal["posting", "posted", "failed", "deleted"]


class SlackReply(Record):
    channel: str
    ts: str
    slack_user_id: str
    thread_id: int
    text: str
    state: SlackReplyState
    reply_id: int | None = None
    error: str | None = None
    created_at: datetime
    updated_at: datetime


class SlackReplyRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, channel: str, ts: str) -> SlackReply | None:
        row = self._file.get("slack_replies", (channel, ts))
        return _reply(row) if row else None

    def claim(
        self, *, channel: str, ts: str, slack_user_id: str, thread_id: int, text: str, now: datetime
    ) -> bool:
        """Record a new reply as "posting"; False if this Slack message is already known."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO slack_replies (channel, ts, slack_user_id, thread_id, text,"
                " state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'posting', ?, ?)",
                [channel, ts, slack_user_id, thread_id, text, to_text(now), to_text(now)],
            )
            return cursor.rowcount == 1

    def take_over(self, channel: str, ts: str, now: datetime) -> SlackReply | None:
        """Take a failed reply, or one a dead process left "posting", for another attempt;
        None if it is posted, deleted, or another attempt is running."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE slack_replies SET state = 'posting', updated_at = :now"
                " WHERE channel = :channel AND ts = :ts"
                " AND (state = 'failed' OR (state = 'posting' AND updated_at < :stale))",
                {"now": to_text(now), "channel": channel, "ts": ts, "stale": to_text(now - STALE_CLAIM)},
            )
        return self.get(channel, ts) if cursor.rowcount == 1 else None

    def stuck(self, now: datetime) -> list[SlackReply]:
        """Replies a dead process left "posting"."""
        with self._file.read() as db:
            rows = db.table("slack_replies").rows_where(
                "state = 'posting' AND updated_at < ?", [to_text(now - STALE_CLAIM)]
            )
            return [_reply(row) for row in rows]

    def renew(self, channel: str, ts: str, held: datetime, now: datetime) -> bool:
        """Move the claim stamped ``held`` to ``now``; False if it is no longer the holder's."""
        return self._finish(channel, ts, held, {"updated_at": to_text(now)})

    def mark_posted(
        self, channel: str, ts: str, reply_id: int, now: datetime, *, held: datetime, text: str | None = None
    ) -> bool:
        """Record the reply the claim ``held`` made; False (nothing written) if it was lost, or
        if ``text`` (what the board shows) is given and the member has edited the kept text since."""
        fields = {"state": "posted", "reply_id": reply_id, "error": None, "updated_at": to_text(now)}
        return self._finish(channel, ts, held, fields, text=text)

    def mark_failed(self, channel: str, ts: str, error: str, now: datetime, *, held: datetime) -> bool:
        """Keep the reply for Retry with why it failed; False (nothing written) if the claim was lost."""
        return self._finish(
            channel, ts, held, {"state": "failed", "error": error, "updated_at": to_text(now)}
        )

    def adopt(self, channel: str, ts: str, reply_id: int, now: datetime) -> bool:
        """Record a reply an attempt made after its claim was taken over, unless the row
        already has one or the member deleted it; the newer attempt then finds it recorded."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE slack_replies SET state = 'posted', reply_id = ?, error = NULL, updated_at = ?"
                " WHERE channel = ? AND ts = ? AND state IN ('posting', 'failed') AND reply_id IS NULL",
                [reply_id, to_text(now), channel, ts],
            )
            return cursor.rowcount == 1

    def mark_deleted(self, channel: str, ts: str, now: datetime) -> None:
        self._set(channel, ts, state="deleted", updated_at=to_text(now))

    def withdraw(self, channel: str, ts: str, now: datetime) -> bool:
        """The member deleted a reply not yet recorded as posted: mark it "deleted", so its Retry
        posts nothing and a running attempt's ``mark_posted`` fails; False if it is posted now."""
        return self._unposted(channel, ts, {"state": "deleted", "updated_at": to_text(now)})

    def revise(self, channel: str, ts: str, text: str) -> bool:
        """The member edited a reply not yet recorded as posted: keep the new text for Retry or
        the running attempt (``updated_at``, its claim, is left alone); False if it is posted now."""
        return self._unposted(channel, ts, {"text": text})

    def set_text(self, channel: str, ts: str, text: str) -> None:
        # ``updated_at`` is left alone: on a "posting" row it is an attempt's claim.
        self._set(channel, ts, text=text)

    def recorded_reply_ids(self, reply_ids: Iterable[int]) -> set[int]:
        """Those of ``reply_ids`` some Slack message is recorded as having become."""
        return set(self.channels_of(reply_ids))

    def channels_of(self, reply_ids: Iterable[int]) -> dict[int, str]:
        """Portal reply id → the Slack channel it was typed in, for those that came from Slack."""
        wanted = list(dict.fromkeys(reply_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        with self._file.read() as db:
            rows = db.execute(
                f"SELECT reply_id, channel FROM slack_replies WHERE reply_id IN ({marks})", wanted
            ).fetchall()
        return {int(reply_id): str(channel) for reply_id, channel in rows}

    def _finish(
        self, channel: str, ts: str, held: datetime, fields: dict[str, Any], *, text: str | None = None
    ) -> bool:
        """Write ``fields`` only while the row is "posting" under the claim ``held`` (and still
        keeps ``text``, when given)."""
        where = "state = 'posting' AND updated_at = :held" + (" AND text = :kept" if text is not None else "")
        return self._update_where(channel, ts, where, fields, {"held": to_text(held), "kept": text})

    def _unposted(self, channel: str, ts: str, fields: dict[str, Any]) -> bool:
        # One conditional UPDATE: a concurrent ``mark_posted`` lands either before (False) or after.
        return self._update_where(channel, ts, "state IN ('posting', 'failed')", fields, {})

    def _update_where(
        self, channel: str, ts: str, where: str, fields: dict[str, Any], params: dict[str, Any]
    ) -> bool:
        assignments = ", ".join(f"{name} = :{name}" for name in fields)
        with self._file.transaction() as db:
            cursor = db.execute(
                f"UPDATE slack_replies SET {assignments} WHERE channel = :channel AND ts = :ts AND {where}",
                {**params, **fields, "channel": channel, "ts": ts},
            )
            return cursor.rowcount == 1

    def _set(self, channel: str, ts: str, **fields: Any) -> None:
        with self._file.transaction() as db:
            db.table("slack_replies").update((channel, ts), fields)


def _reply(row: dict[str, Any]) -> SlackReply:
    created, updated = from_text(row["created_at"]), from_text(row["updated_at"])
    assert created is not None and updated is not None
    return SlackReply(
        channel=row["channel"],
        ts=row["ts"],
        slack_user_id=row["slack_user_id"],
        thread_id=row["thread_id"],
        text=row["text"],
        state=row["state"],
        reply_id=row["reply_id"],
        error=row["error"],
        created_at=created,
        updated_at=updated,
    )
