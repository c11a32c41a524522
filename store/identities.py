"""Slack user ↔ portal account links, automatic (cached) and manual (admin-made)."""

from __future__ import annotations

from typing import Any

from store.database import SqliteFile
from store.models import Identity, from_text, to_text


class IdentityRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, slack_user_id: str) -> Identity | None:
        with self._file.lock:
            rows = list(self._file.db.table("identities").rows_where("slack_user_id = ?", [slack_user_id]))
        return _identity(rows[0]) if rows else None

    def find_by_portal_user(self, portal_user_id: int) -> list[Identity]:
        """Every Slack user linked to this portal account, manual links first."""
        with self._file.lock:
            rows = list(
                self._file.db.table("identities").rows_where(
                    "portal_user_id = ? AND state = 'linked'",
                    [portal_user_id],
                    order_by="source = 'manual' DESC",
                )
            )
        return [_identity(row) for row in rows]

    def remember(self, identity: Identity) -> None:
        """Store a lookup result, unless a manual link for that user already wins."""
        with self._file.transaction() as db:
            current = list(
                db.table("identities").rows_where(
                    "slack_user_id = ? AND source = 'manual'", [identity.slack_user_id]
                )
            )
            if current and identity.source != "manual":
                return
            db.table("identities").upsert(_row(identity), pk="slack_user_id")

    def forget_lookup(self, slack_user_id: str) -> bool:
        """Drop an automatic (cached) result so the next use looks again; manual links stay."""
        with self._file.transaction() as db:
            cursor = db.execute(
                "DELETE FROM identities WHERE slack_user_id = ? AND source != 'manual'", [slack_user_id]
            )
            return cursor.rowcount > 0

    def forget(self, slack_user_id: str) -> bool:
        with self._file.transaction() as db:
            cursor = db.execute("DELETE FROM identities WHERE slack_user_id = ?", [slack_user_id])
            return cursor.rowcount > 0


def _row(identity: Identity) -> dict[str, Any]:
    row = identity.model_dump()
    row["checked_at"] = to_text(identity.checked_at)
    row["expires_at"] = to_text(identity.expires_at)
    return row


def _identity(row: dict[str, Any]) -> Identity:
    return Identity(
        **{
            **row,
            "checked_at": from_text(row["checked_at"]),
            "expires_at": from_text(row["expires_at"]),
        }
    )
