"""Submissions on their way to Nexudus, keyed by the correlation key sent as ``SystemId``.

A draft moves pending → posting → posted, or → deferred (retried later) or failed
(kept for the user to edit). ``claim`` is the only way into "posting", so two
submissions of one form can never both reach Nexudus; a "posting" claim older than
``STALE_CLAIM`` was left by a dead process, and is retried as one that may have posted.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from store.database import SqliteFile
from store.models import Draft, from_text, to_text

# A "posting" claim older than this belongs to a process that died mid-call.
STALE_CLAIM = timedelta(minutes=5)
_OPEN_STATES = "('pending', 'deferred', 'failed')"
_STALE_POSTING = "(state = 'posting' AND updated_at < :stale)"


class DraftRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, key: str) -> Draft | None:
        row = self._file.get("drafts", key)
        return _draft(row) if row else None

    def save(self, key: str, slack_user_id: str, form: dict[str, Any], now: datetime) -> Draft:
        """Record the latest input for ``key``; a draft already posted is left as it is."""
        with self._file.transaction() as db:
            db.execute(
                "INSERT INTO drafts (key, slack_user_id, form_json, state, created_at, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET form_json = excluded.form_json,"
                " updated_at = excluded.updated_at"
                f" WHERE drafts.state IN {_OPEN_STATES}",
                [key, slack_user_id, json.dumps(form), to_text(now), to_text(now)],
            )
        draft = self.get(key)
        assert draft is not None
        return draft

    def claim(self, key: str, now: datetime) -> bool:
        """Take the draft for one attempt; False if it is posted or another attempt runs.

        Taking over a stale "posting" claim marks the draft ambiguous: the process that
        died may have reached Nexudus, so the next attempt looks for its thread first."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "UPDATE drafts SET state = 'posting', attempts = attempts + 1, updated_at = :now,"
                " ambiguous = CASE WHEN state = 'posting' THEN 1 ELSE ambiguous END"
                f" WHERE key = :key AND (state IN {_OPEN_STATES} OR {_STALE_POSTING})",
                {"now": to_text(now), "key": key, "stale": to_text(now - STALE_CLAIM)},
            )
            return cursor.rowcount == 1

    def mark_posted(self, key: str, thread_id: int, now: datetime) -> None:
        self._update(key, now, state="posted", thread_id=thread_id, last_error=None, next_attempt_at=None)

    def defer(self, key: str, reason: str, *, ambiguous: bool, retry_at: datetime, now: datetime) -> None:
        with self._file.transaction() as db:
            # Once an attempt may have reached Nexudus, every later one must look first.
            db.execute(
                "UPDATE drafts SET state = 'deferred', last_error = ?, next_attempt_at = ?,"
                " ambiguous = MAX(ambiguous, ?), updated_at = ? WHERE key = ?",
                [reason, to_text(retry_at), int(ambiguous), to_text(now), key],
            )

    def fail(self, key: str, reason: str, now: datetime) -> None:
        self._update(key, now, state="failed", last_error=reason, next_attempt_at=None)

    def posted_as(self, thread_ids: list[int]) -> dict[int, str]:
        """Which of these threads a draft was recorded as posting: thread id → draft key."""
        if not thread_ids:
            return {}
        marks = ", ".join("?" for _ in thread_ids)
        with self._file.read() as db:
            rows = db.table("drafts").rows_where(
                f"state = 'posted' AND thread_id IN ({marks})", thread_ids, select="thread_id, key"
            )
            return {int(row["thread_id"]): str(row["key"]) for row in rows}

    def note_message(self, key: str, channel: str, ts: str) -> None:
        """Remember the DM that tells the user about this draft, to update it later."""
        with self._file.transaction() as db:
            db.table("drafts").update(key, {"notice_channel": channel, "notice_ts": ts})

    def due(self, now: datetime) -> list[Draft]:
        """Drafts to retry: deferred ones whose time has come, and ones left "posting" by a
        process that died mid-attempt (nothing else would ever pick those up)."""
        with self._file.read() as db:
            rows = db.table("drafts").rows_where(
                f"(state = 'deferred' AND next_attempt_at <= :now) OR {_STALE_POSTING}",
                {"now": to_text(now), "stale": to_text(now - STALE_CLAIM)},
                order_by="COALESCE(next_attempt_at, updated_at)",
            )
            return [_draft(row) for row in rows]

    def _update(self, key: str, now: datetime, **fields: Any) -> None:
        with self._file.transaction() as db:
            db.table("drafts").update(key, {**fields, "updated_at": to_text(now)})


def _draft(row: dict[str, Any]) -> Draft:
    return Draft(
        key=row["key"],
        slack_user_id=row["slack_user_id"],
        form=json.loads(row["form_json"]),
        state=row["state"],
        thread_id=row["thread_id"],
        attempts=row["attempts"],
        ambiguous=bool(row["ambiguous"]),
        last_error=row["last_error"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
        next_attempt_at=from_text(row["next_attempt_at"]),
        notice_channel=row["notice_channel"],
        notice_ts=row["notice_ts"],
    )
