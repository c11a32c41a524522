"""The Nexudus tokens, kept so that a restart does not log in again."""

from __future__ import annotations

from store.database import SqliteFile
from store.models import PortalSession, from_text, to_text

_NAME = "nexudus"


class PortalSessionRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def load(self) -> PortalSession | None:
        row = self._file.get("portal_session", _NAME)
        if row is None:
            return None
        return PortalSession(
            client_id=row["client_id"],
            access_token=row["access_token"],
            refresh_token=row["refresh_token"],
            expires_at=from_text(row["expires_at"]),
        )

    def save(self, session: PortalSession) -> None:
        with self._file.transaction() as db:
            db.table("portal_session").upsert(
                {
                    "name": _NAME,
                    "client_id": session.client_id,
                    "access_token": session.access_token,
                    "refresh_token": session.refresh_token,
                    "expires_at": to_text(session.expires_at),
                },
                pk="name",
            )
