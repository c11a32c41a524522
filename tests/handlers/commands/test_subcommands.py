"""Telling a subcommand from a title."""

from __future__ import annotations

import pytest

from handlers.commands.subcommands import Subcommand, parse_subcommand


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", None),  # plain form
        ("Lost keys", None),  # a title
        ("help", Subcommand("help")),
        ("HELP", Subcommand("help")),
        ("help wanted with the printer", None),  # a title that starts with "help"
        ("whoami", Subcommand("whoami")),
        ("link <@U1|ann> ann@example.com", Subcommand("link", "U1", "ann@example.com")),
        ("link <@W2> 42", Subcommand("link", "W2", "42")),  # Enterprise Grid ids start with W
        ("link", Subcommand("link")),  # usage
        ("link @ann x", Subcommand("link")),  # typed without autocomplete: usage
        ("link the printers", None),  # a title
        ("unlink <@U1>", Subcommand("unlink", "U1")),
    ],
)
def test_parse_subcommand(text: str, parsed: Subcommand | None) -> None:
    assert parse_subcommand(text) == parsed
