"""Slack user ↔ portal account links, automatic (cached) and manual (admin-made)."""

from __future__ import annotations

import json
from typing import Any

from store.database import SqliteFile, delete_counted
from store.models import Identity, from_text, to_text


class IdentityRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, slack_user_id: str) -> Identity | None:
        row = self._file.get("identities", slack_user_id)
        return _identity(row) if row else None

    def find_by_portal_user(self, portal_user_id: int) -> list[Identity]:
        """Every Slack user linked to this portal account, manual links first."""
        with self._file.read() as db:
            rows = db.table("identities").rows_where(
                "portal_user_id = ? AND state = 'linked'",
                [portal_user_id],
                order_by="source = 'manual' DESC",
            )
            return [_identity(row) for row in rows]

    def manual_links(self) -> list[Identity]:
        """Every link an admin made by hand, oldest first."""
        with self._file.read() as db:
            rows = db.table("identities").rows_where("source = 'manual'", order_by="linked_at, checked_at")
            return [_identity(row) for row in rows]

    def remember(self, identity: Identity) -> None:
        """Store a lookup result, unless a manual link for that user already wins."""
        with self._file.transaction() as db:
            table = db.table("identities")
            if identity.source != "manual" and table.count_where(
                "slack_user_id = ? AND source = 'manual'", [identity.slack_user_id]
            ):
                return
            table.upsert(_row(identity), pk="slack_user_id")

    def forget_lookup(self, slack_user_id: str) -> bool:
        """Drop an automatic (cached) result so the next use looks again; manual links stay."""
        with self._file.transaction() as db:
            table = db.table("identities")
            return delete_counted(table, "slack_user_id = ? AND source != 'manual'", [slack_user_id]) > 0

    def forget(self, slack_user_id: str) -> bool:
        with self._file.transaction() as db:
            return delete_counted(db.table("identities"), "slack_user_id = ?", [slack_user_id]) > 0


def _row(identity: Identity) -> dict[str, Any]:
    row = identity.model_dump()
    row["checked_at"] = to_text(identity.checked_at)
    row["expires_at"] = to_text(identity.expires_at)
    row["linked_at"] = to_text(identity.linked_at)
    row["other_user_ids"] = json.dumps(list(identity.other_user_ids)) if identity.other_user_ids else None
    return row


def _identity(row: dict[str, Any]) -> Identity:
    return Identity(
        **{
            **row,
            "checked_at": from_text(row["checked_at"]),
            "expires_at": from_text(row["expires_at"]),
            "linked_at": from_text(row.get("linked_at")),
            "other_user_ids": tuple(json.loads(row.get("other_user_ids") or "[]")),
        }
    )
