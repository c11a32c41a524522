"""Members' Slack profiles as Slack last reported a change to them (``user_change``): only
what lookups depend on, an email and whether the account is deactivated.

``seq`` grows with every change recorded, in any process, so a lookup that began before one
can tell it may be out of date (``latest``).
"""

from __future__ import annotations

from typing import NamedTuple

from store.database import SqliteFile


class ReportedProfile(NamedTuple):
    email: str  # folded (``fold_email``); "" when the profile has none
    deleted: bool


def fold_email(email: str | None) -> str:
    """An email as lookups compare it: Nexudus and Slack match emails whatever their case.
    ASCII lowering, as SQLite's ``lower()`` does, so SQL and Python agree."""
    return (email or "").strip().lower()


class SlackProfileRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def reported(self, slack_user_id: str) -> ReportedProfile | None:
        row = self._file.get("slack_profiles", slack_user_id)
        return None if row is None else ReportedProfile(row["email"] or "", bool(row["deleted"]))

    def last_change(self, slack_user_id: str) -> int | None:
        """The number of the last change recorded for this member, if any."""
        row = self._file.get("slack_profiles", slack_user_id)
        return None if row is None else int(row["seq"])

    def latest(self) -> int:
        """The number of the last change recorded (0: none yet)."""
        with self._file.read() as db:
            return int(db.execute("SELECT coalesce(max(seq), 0) FROM slack_profiles").fetchone()[0])

    def record(self, slack_user_id: str, now: ReportedProfile, updated: int = 0) -> bool:
        """Keep what Slack says now (``updated``: Slack's stamp of it, 0 if none); False,
        after one read and no write, when it is what was recorded (a status emoji costs no
        write lock) or when a change Slack stamped later is recorded already."""
        if self.reported(slack_user_id) == now:
            return False
        with self._file.transaction() as db:
            row = db.execute(
                "SELECT email, deleted, updated FROM slack_profiles WHERE slack_user_id = ?", [slack_user_id]
            ).fetchone()
            if row is not None and ReportedProfile(row[0] or "", bool(row[1])) == now:
                return False  # another process recorded the same change meanwhile
            if row is not None and row[2] and updated and row[2] > updated:
                return False  # an older change, delivered late
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
        return True
