"""``python -m bot backup PATH``: a consistent copy of the database, taken while it is in use.

SQLite's online backup API copies the pages inside one read transaction, so the copy is
one committed state even while other processes write (in WAL mode writers are not
blocked meanwhile). The copy goes to a private temporary file beside PATH and is linked
into place only when complete: PATH is never a half-written database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from store.database import BUSY_TIMEOUT_MS, OWNER_ONLY
from store.migrations import migrations


class BackupRefused(Exception):
    """The backup was not written; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    steps: list[str]  # migration steps applied in the copy, oldest first

    def summary(self) -> str:
        version = f"{self.steps[-1]} ({len(self.steps)} steps)" if self.steps else "no steps"
        return f"wrote {self.path}: {self.size:,} bytes, schema {version}, integrity ok"


def back_up(database: str | Path, target: str | Path, *, force: bool = False) -> BackupReport:
    """Copy ``database`` to ``target`` (0600); refuse an existing ``target`` unless ``force``."""
    source_path, target_path = Path(database), Path(target)
    if not source_path.is_file():
        raise BackupRefused(f"there is no database at {source_path} (see BOT_DATABASE)")
    if target_path.exists() and not force:
        raise BackupRefused(f"{target_path} exists; choose another name, or pass --force to replace it")
    if not target_path.parent.is_dir():
        raise BackupRefused(f"the folder {target_path.parent} does not exist")
    # mkstemp creates the file 0600: the copy holds Nexudus tokens, as the database does.
    fd, temporary = tempfile.mkstemp(dir=target_path.parent, prefix=f".{target_path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        _copy(source_path, Path(temporary))
        os.chmod(temporary, OWNER_ONLY)
        steps = _check(Path(temporary))
        _put_in_place(Path(temporary), target_path, force=force)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return BackupReport(path=target_path, size=target_path.stat().st_size, steps=steps)


def _copy(source_path: Path, temporary: Path) -> None:
    # mode=rw: never create an empty database where the real one was expected.
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=rw", uri=True)
    copy = sqlite3.connect(temporary)
    try:
        source.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # pages=-1 (the default): one step, one read transaction, one committed state.
        source.backup(copy)
        # A single self-contained file; the bot turns WAL back on when it opens it.
        copy.execute("PRAGMA journal_mode = DELETE")
        copy.commit()
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
    finally:
        copy.close()
        source.close()


def _check(temporary: Path) -> list[str]:
    copy = sqlite3.connect(temporary)
    try:
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupRefused(f"the copy failed SQLite's integrity check: {verdict}")
        return [step.name for step in migrations.applied(Database(copy))]
    finally:
        copy.close()


def _put_in_place(temporary: Path, target: Path, *, force: bool) -> None:
    if force:
        os.replace(temporary, target)
        return
    try:
        # A hard link fails if target appeared meanwhile, where a rename would replace it.
        os.link(temporary, target)
    except FileExistsError:
        raise BackupRefused(f"{target} exists; choose another name, or pass --force to replace it") from None
