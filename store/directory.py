"""Cached locations and groups, so a modal opens without asking Nexudus."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from store.database import SqliteFile
from store.models import Group, Location, from_text, to_text

_STAMP = "directory"


class DirectoryRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def locations(self) -> list[Location]:
        with self._file.read() as db:
            return [Location(**row) for row in db.table("locations").rows_where(order_by="name")]

    def location(self, business_id: int) -> Location | None:
        row = self._file.get("locations", business_id)
        return Location(**row) if row else None

    def groups(self, business_id: int) -> list[Group]:
        with self._file.read() as db:
            rows = db.table("groups").rows_where("business_id = ?", [business_id], order_by="name")
            return [Group(**row) for row in rows]

    def group(self, group_id: int) -> Group | None:
        row = self._file.get("groups", group_id)
        return Group(**row) if row else None

    def refreshed_at(self) -> datetime | None:
        row = self._file.get("cache_stamps", _STAMP)
        return from_text(row["refreshed_at"]) if row else None

    def replace(self, locations: Sequence[Location], groups: Sequence[Group], now: datetime) -> None:
        """Swap the whole directory in one transaction: readers never see half of it."""
        with self._file.transaction() as db:
            db.table("locations").delete_where()
            db.table("groups").delete_where()
            db.table("locations").insert_all([loc.model_dump() for loc in locations], pk="id")
            db.table("groups").insert_all([group.model_dump() for group in groups], pk="id")
            db.table("cache_stamps").upsert({"name": _STAMP, "refreshed_at": to_text(now)}, pk="name")
