"""SQLite persistence: one ``Store`` with a repository per kind of record."""

from __future__ import annotations

from pathlib import Path

from store.database import SqliteFile
from store.directory import DirectoryRepository
from store.drafts import DraftRepository
from store.identities import IdentityRepository
from store.portal_session import PortalSessionRepository


class Store:
    def __init__(self, path: str | Path) -> None:
        self.file = SqliteFile(path)
        self.portal_session = PortalSessionRepository(self.file)
        self.identities = IdentityRepository(self.file)
        self.directory = DirectoryRepository(self.file)
        self.drafts = DraftRepository(self.file)

    def close(self) -> None:
        self.file.close()


__all__ = ["Store"]
