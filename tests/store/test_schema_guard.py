"""A database migrated by a newer version of the bot is refused, never run on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import Store
from store.backup import back_up
from store.migrations import migrations
from store.schema_guard import NewerDatabase
from tests.bot.test_cli import run_cli


def migrated_by_newer_version(path: Path, *steps: str, migration_set: str = migrations.name) -> None:
    """The database as a newer bot leaves it: its steps recorded as sqlite-utils records them."""
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            [(migration_set, step, "2030-01-01 00:00:00+00:00") for step in steps],
        )


def test_a_database_from_a_newer_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    migrated_by_newer_version(tmp_path / "bot.db", "m900_future_table", "m901_future_index")

    with pytest.raises(NewerDatabase) as refused:
        Store(tmp_path / "bot.db")

    assert refused.value.unknown == ["m900_future_table", "m901_future_index"]
    message = str(refused.value)
    assert "written by a newer version of the bot" in message
    assert "unknown steps: m900_future_table, m901_future_index" in message
    assert "restore a backup taken before the upgrade" in message


def test_a_database_of_this_version_opens(tmp_path: Path) -> None:
    Store(tmp_path / "bot.db").close()

    reopened = Store(tmp_path / "bot.db")

    assert reopened.file.pending_migrations() == []
    reopened.close()


def test_steps_of_another_migration_set_are_not_ours_to_judge(tmp_path: Path) -> None:
    # sqlite-utils keys every step by its set: another tool's steps in the same file are fine.
    migrated_by_newer_version(tmp_path / "bot.db", "m900_other_tool", migration_set="another-tool")

    Store(tmp_path / "bot.db").close()


def test_a_newer_database_can_still_be_backed_up(tmp_path: Path) -> None:
    # Backing up is how an operator keeps the newer file before going back to a backup.
    migrated_by_newer_version(tmp_path / "bot.db", "m900_future_table")

    report = back_up(tmp_path / "bot.db", tmp_path / "copy.db")

    assert report.steps[-1] == "m900_future_table"


@pytest.mark.parametrize(
    "command",
    [
        ["serve"],  # the bot itself
        ["check"],  # what an operator runs first when something is wrong
        ["relay", "--once"],  # cron beside a running bot
    ],
)
def test_the_command_line_refuses_to_start_and_exits_2(tmp_path: Path, command: list[str]) -> None:
    migrated_by_newer_version(tmp_path / "bot.db", "m900_future_table")
    env = {
        "SLACK_BOT_TOKEN": "xoxb-guard",
        "SLACK_SIGNING_SECRET": "signing-secret",
        # Nothing listens here: the refusal must come before any connection is tried.
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "NEXUDUS_URL": "http://127.0.0.1:9",
        "NEXUDUS_USERNAME": "bot@example.com",
        "NEXUDUS_PASSWORD": "password",
        "BOT_DATABASE": str(tmp_path / "bot.db"),
    }

    done = run_cli(*command, env=env, cwd=tmp_path)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "newer version of the bot (unknown steps: m900_future_table)" in done.stderr
    assert "Traceback" not in done.stderr
