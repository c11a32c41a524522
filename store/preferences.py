"""Each Slack user's relay preferences: how replies arrive, digest time, last digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from store.database import SqliteFile
from store.models import from_text, to_text
from store.relay_models import Preferences


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
