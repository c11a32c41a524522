"""``python -m bot backup PATH``: a consistent, private copy, taken while the relay writes."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import Store
from store.backup import BackupRefused, back_up
from store.relay_models import OutboxMessage
from tests.bot.test_cli import run_cli
from tests.conftest import wait_for

BATCH = 40  # messages per transaction, as one relay poll records a batch


def record_batch(store: Store, batch: int) -> None:
    now = datetime.now(UTC)
    store.outbox.add(
        [
            OutboxMessage(
                key=f"b{batch}:{n}", target="channel:C1", text=f"{batch}/{n}", blocks=[], created_at=now
            )
            for n in range(BATCH)
        ]
    )


def batch_sizes(path: Path) -> Counter[str]:
    with sqlite3.connect(path) as copy:
        keys = [key for (key,) in copy.execute("SELECT key FROM outbox")]
    return Counter(key.split(":")[0] for key in keys)


def test_backup_while_another_connection_writes_is_a_consistent_copy_the_bot_starts_from(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    Store(database).close()
    stop, committed = threading.Event(), []

    def relay_writing() -> None:  # its own connection, as another bot process has
        writer = Store(database)
        while not stop.is_set():
            record_batch(writer, len(committed))
            committed.append(True)
        writer.close()

    writing = threading.Thread(target=relay_writing)
    writing.start()
    try:
        wait_for(lambda: len(committed) >= 3)
        report = back_up(database, tmp_path / "copy.db")
        after_backup = len(committed)
        wait_for(lambda: len(committed) > after_backup)  # still writing: nothing was held up
    finally:
        stop.set()
        writing.join()

    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    sizes = batch_sizes(copy)
    assert len(sizes) >= 3
    assert set(sizes.values()) == {BATCH}  # every batch whole, none half there
    assert len(sizes) < len(batch_sizes(database))  # the copy is of a moment, not of the end
    restored = Store(copy)
    assert restored.file.pending_migrations() == []
    assert restored.outbox.get("b0:0") is not None
    restored.close()
    assert report.size == copy.stat().st_size
    assert report.steps and report.steps[0] == "m001_portal_session"


def test_the_copy_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    Store(tmp_path / "bot.db").close()

    back_up(tmp_path / "bot.db", tmp_path / "copy.db")

    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    record_batch(store, 1)
    store.close()
    target = tmp_path / "copy.db"
    target.write_text("last week's backup")

    with pytest.raises(BackupRefused, match="--force"):
        back_up(tmp_path / "bot.db", target)
    assert target.read_text() == "last week's backup"

    back_up(tmp_path / "bot.db", target, force=True)
    assert batch_sizes(target) == {"b1": BATCH}


def test_a_missing_database_is_refused_and_not_created(tmp_path: Path) -> None:
    with pytest.raises(BackupRefused, match="no database"):
        back_up(tmp_path / "absent.db", tmp_path / "copy.db")

    assert not (tmp_path / "absent.db").exists()
    assert not (tmp_path / "copy.db").exists()


def test_the_command_says_what_it_wrote_and_refuses_to_overwrite(tmp_path: Path) -> None:
    Store(tmp_path / "bot.db").close()
    env = {
        "SLACK_BOT_TOKEN": "xoxb-backup",
        "SLACK_SIGNING_SECRET": "signing-secret",
        "NEXUDUS_USERNAME": "bot@example.com",
        "NEXUDUS_PASSWORD": "password",
        "BOT_DATABASE": str(tmp_path / "bot.db"),
    }

    first = run_cli("backup", str(tmp_path / "copy.db"), env=env, cwd=tmp_path)
    again = run_cli("backup", str(tmp_path / "copy.db"), env=env, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert f"wrote {tmp_path / 'copy.db'}" in first.stdout
    assert "bytes, schema m0" in first.stdout and "integrity ok" in first.stdout
    assert again.returncode == 1
    assert "exists" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
