"""Refuse a database that a newer version of the bot has migrated.

sqlite-utils records each applied step by name in ``_sqlite_migrations``; a name this
version does not know means a newer version ran on the file, and running on would mix
an old program with a schema it has never seen.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations


class NewerDatabase(Exception):
    """The database holds migration steps this version does not know."""

    def __init__(self, path: str, unknown: list[str]) -> None:
        self.path = path
        self.unknown = unknown
        super().__init__(
            f"{path}: this database was written by a newer version of the bot "
            f"(unknown steps: {', '.join(unknown)}); run that version, or restore a backup "
            "taken before the upgrade"
        )


def unknown_steps(db: Database, known: Migrations) -> list[str]:
    """Applied step names of ``known``'s set that ``known`` does not define, in applied order."""
    # Every step of a set is pending on an empty database: the public way to list them.
    empty = Database(memory=True)
    try:
        defined = {step.name for step in known.pending(empty)}
    finally:
        empty.close()
    return [step.name for step in known.applied(db) if step.name not in defined]


def refuse_newer(db: Database, known: Migrations, path: str) -> None:
    """Raise ``NewerDatabase`` if a newer version has migrated this database."""
    unknown = unknown_steps(db, known)
    if unknown:
        raise NewerDatabase(path, unknown)
