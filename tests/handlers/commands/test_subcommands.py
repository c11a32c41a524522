"""Telling a subcommand from a title, and a typo of one from both."""

from __future__ import annotations

import pytest

from handlers.commands.subcommands import Misspelt, Subcommand
from handlers.commands.table import read


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
        (
            "subscribe instant location:12 tag:events",
            Subcommand("subscribe", argument="instant location:12 tag:events"),
        ),
        ("subscribe to the newsletter", None),  # a title
        ("unsubscribe 3", Subcommand("unsubscribe", argument="3")),
        ("unsubscribe everything now", None),  # a title
        ("status report for March", None),  # a title
    ],
)
def test_a_subcommand_or_a_title(text: str, parsed: Subcommand | None) -> None:
    assert read(text) == parsed


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("statsu", Misspelt("statsu", "status")),  # two letters swapped
        ("Staus", Misspelt("staus", "status")),  # one letter missing
        ("whomai", Misspelt("whomai", "whoami")),
        ("subscirbe instant", Misspelt("subscirbe", "subscribe")),  # the options fit subscribe
        ("unlnik <@U1>", Misspelt("unlnik", "unlink")),
        ("Stats for March", None),  # close to status, but status takes no words: a title
        ("Helo everyone", None),  # help takes no words: a title
        ("Lost", None),  # one letter from list, but four-letter words are not close enough
        ("Lunch", None),  # close to nothing
    ],
)
def test_a_close_match_to_a_subcommand_is_a_typo(text: str, parsed: Misspelt | None) -> None:
    assert read(text) == parsed
