"""Members' Slack profiles as Slack last reported a change to them (``user_change``): only
what lookups depend on, an email and whether the account is deactivated.

``seq`` grows with every change recorded, in any process, so a lookup that began before one
can tell it may be out of date (``changed_since``), and a cached profile fetched before one
is asked for again.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from sqlite_utils import Database

from store.database import SqliteFile


class ReportedProfile(NamedTuple):
    email: str  # folded (``fold_email``); "" when the profile has none
    deleted: bool


class Recorded(StrEnum):
    NEWS = "news"  # the email or the deactivation changed: recorded, numbered
    SAME = "same"  # what was recorded already (a status emoji, a title…): nothing written
    OLDER = "older"  # Slack stamped a recorded change later: this one was delivered late


def fold_email(email: str | None) -> str:
    """An email as lookups compare it: Nexudus and Slack match emails whatever their case.
    Only ASCII letters are lowered and only spaces trimmed, as SQLite's ``lower()`` and
    ``trim()`` do, so SQL and Python agree."""
    return (email or "").strip(" ").translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class SlackProfileRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def reported(self, slack_user_id: str) -> ReportedProfile | None:
        with self._file.read() as db:
            row = _row(db, slack_user_id)
        return None if row is None else ReportedProfile(row[0], row[1])

    def latest(self) -> int:
        """The number of the last change recorded (0: none yet)."""
        with self._file.read() as db:
            return int(db.execute("SELECT coalesce(max(seq), 0) FROM slack_profiles").fetchone()[0])

    def changed_since(self, seq: int, *, slack_user_id: str | None, email: str | None) -> bool:
        """Whether a change was recorded after ``seq`` for this member, or to this email (a
        member who took it)."""
        with self._file.read() as db:
            found = db.execute(
                "SELECT 1 FROM slack_profiles"
                " WHERE seq > ? AND (slack_user_id = ? OR (? != '' AND email = ?))",
                [seq, slack_user_id, fold_email(email), fold_email(email)],
            ).fetchone()
        return found is not None

    def record(self, slack_user_id: str, now: ReportedProfile, updated: int = 0) -> Recorded:
        """Keep what Slack says now (``updated``: Slack's stamp of it, 0 if none). Only news
        takes the write lock: a status emoji costs a read."""
        with self._file.read() as db:
            verdict = _verdict(_row(db, slack_user_id), now, updated)
        if verdict is not Recorded.NEWS:
            return verdict
        with self._file.transaction() as db:
            verdict = _verdict(_row(db, slack_user_id), now, updated)  # meanwhile, elsewhere?
            if verdict is not Recorded.NEWS:
                return verdict
            seq = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM slack_profiles").fetchone()[0]
            db.table("slack_profiles").upsert(
                {
                    "slack_user_id": slack_user_id,
                    "email": now.email,
                    "deleted": int(now.deleted),
                    "updated": updated,
                    "seq": seq,
                },
                pk="slack_user_id",
            )
        return Recorded.NEWS


def _row(db: Database, slack_user_id: str) -> tuple[str, bool, int] | None:
    row = db.execute(
        "SELECT email, deleted, updated FROM slack_profiles WHERE slack_user_id = ?", [slack_user_id]
    ).fetchone()
    return None if row is None else (row[0] or "", bool(row[1]), int(row[2] or 0))


def _verdict(row: tuple[str, bool, int] | None, now: ReportedProfile, updated: int) -> Recorded:
    if row is not None and ReportedProfile(row[0], row[1]) == now:
        return Recorded.SAME
    if row is not None and row[2] and updated and row[2] > updated:
        return Recorded.OLDER
    return Recorded.NEWS
