"""Per-person relay state: reply preferences and digest stamps, and portal users → Slack."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from store.database import SqliteFile
from store.models import from_text, to_text
from store.relay_models import PortalPerson, Preferences


class PreferenceRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, slack_user_id: str) -> Preferences:
        row = self._file.get("preferences", slack_user_id)
        if row is None:
            return Preferences(slack_user_id=slack_user_id)
        return Preferences(
            slack_user_id=slack_user_id,
            replies=row["replies"],
            digest_time=row["digest_time"],
            last_digest_at=from_text(row["last_digest_at"]),
        )

    def set(self, slack_user_id: str, **fields: Any) -> Preferences:
        with self._file.transaction() as db:
            db.table("preferences").upsert({"slack_user_id": slack_user_id, **fields}, pk="slack_user_id")
        return self.get(slack_user_id)

    def digested(self, slack_user_id: str, now: datetime) -> None:
        self.set(slack_user_id, last_digest_at=to_text(now))


class PortalPeopleRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, portal_user_id: int) -> PortalPerson | None:
        row = self._file.get("portal_people", portal_user_id)
        if row is None:
            return None
        return PortalPerson(
            **{**row, "checked_at": from_text(row["checked_at"]), "expires_at": from_text(row["expires_at"])}
        )

    def remember(self, person: PortalPerson) -> None:
        row = person.model_dump()
        row["checked_at"] = to_text(person.checked_at)
        row["expires_at"] = to_text(person.expires_at)
        with self._file.transaction() as db:
            db.table("portal_people").upsert(row, pk="portal_user_id")
