"""The subcommand table: help is generated from it, and its "who" column is the only admin rule."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

import pytest

from bot.admins import Admins
from handlers.commands import table
from handlers.commands.subcommands import Invocation, Reply, Subcommand, no_arguments
from handlers.commands.table import SUBCOMMANDS, Row, answer, read

ADMIN_ROWS = [row for row in SUBCOMMANDS if row.who == "admins"]


class Untouchable:
    """Dependencies that fail on any use: a refused subcommand must not reach its handler."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a refused subcommand used deps.{name}")


def admins(*ids: str) -> Admins:
    return Admins(frozenset(ids), Mock(profile=Mock(return_value=None)))


def run(name: str, admin_ids: frozenset[str] = frozenset(), caller: str = "U1") -> Reply:
    invocation = Invocation(Subcommand(name), caller, "C1", Mock())
    return answer(invocation, admins=admins(*admin_ids), deps=Untouchable())  # type: ignore[arg-type]


def help_reply() -> str:
    return run("help").text


@pytest.mark.parametrize("row", SUBCOMMANDS, ids=lambda row: row.name)
def test_help_lists_every_row(row: Row) -> None:
    usage, meaning = row.help_line()

    assert f"`{usage}`: {meaning}" in help_reply()
    assert usage.startswith(f"/newthread {row.name}")


def test_a_new_row_appears_in_help_without_editing_help(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = Row("ping", "anyone", no_arguments, lambda invocation, deps: Reply("pong"), "", "say pong")
    monkeypatch.setattr(table, "SUBCOMMANDS", (*SUBCOMMANDS, extra))

    assert "`/newthread ping`: say pong" in help_reply()


def test_help_marks_admin_rows() -> None:
    text = help_reply()

    for row in SUBCOMMANDS:
        usage, _ = row.help_line()
        line = next(line for line in text.splitlines() if line.startswith(f"`{usage}`"))
        assert line.endswith("(admins)") == (row.who == "admins")


@pytest.mark.parametrize("row", ADMIN_ROWS, ids=lambda row: row.name)
def test_an_admin_row_is_refused_to_a_non_admin_and_runs_nothing(row: Row) -> None:
    reply = run(row.name, frozenset({"UADMIN"}), caller="U1")

    assert reply.text.startswith(f"Only admins can run `/newthread {row.name}`")
    assert reply.blocks is None


@pytest.mark.parametrize("row", SUBCOMMANDS, ids=lambda row: row.name)
def test_every_name_alone_is_its_subcommand(row: Row) -> None:
    # A bare name is never a title: at worst its handler shows usage.
    assert read(row.name) == Subcommand(row.name)


def test_names_are_unique_and_lower_case() -> None:
    names = [row.name for row in SUBCOMMANDS]

    assert len(set(names)) == len(names)
    assert all(name == name.lower() and " " not in name for name in names)
