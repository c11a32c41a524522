"""Reading ``/newthread`` text: a subcommand, a misspelt one, or a title for the form.

The first word names a subcommand when it is one of the table's names and the rest is
what that subcommand takes (``help``, but not ``help wanted with the printer``). A first
word that is not a name is a title, unless it is a close match to one whose subcommand
takes the rest (``statsu``, ``subscirbe instant``, ``whomai``): that is a typo, answered
with "did you mean". Close means difflib's ratio of at least 0.8, which catches one slip
in names of five letters or more but leaves four-letter words alone (``Lost`` stays a
title rather than a typo of ``list``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

# With should_escape, Slack sends a mention as <@U123|name> (or <@U123>).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_SUBSCRIBE_OPTION = re.compile(r"^(instant|digest|(location|group):\d+|tag:\S+|time:\d{1,2}:\d{2})$", re.I)
CLOSE_MATCH = 0.8


@dataclass(frozen=True)
class Arguments:
    """What follows a subcommand's name, as its parser read it."""

    user_id: str | None = None
    text: str = ""


@dataclass(frozen=True)
class Subcommand:
    name: str
    user_id: str | None = None
    argument: str = ""


@dataclass(frozen=True)
class Misspelt:
    word: str
    meant: str  # the subcommand it is close to


@dataclass(frozen=True)
class Invocation:
    """A subcommand as run: by whom, in which channel."""

    subcommand: Subcommand
    caller: str
    channel_id: str
    client: WebClient


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[dict[str, Any]] | None = None


# The words after a subcommand's name; None when that subcommand does not take them.
ArgumentParser = Callable[[Sequence[str]], Arguments | None]


def read_command(text: str, parsers: Mapping[str, ArgumentParser]) -> Subcommand | Misspelt | None:
    """None means the text is a title (or empty: the plain form)."""
    words = text.split()
    if not words:
        return None
    first, rest = words[0].lower(), words[1:]
    parser = parsers.get(first)
    if parser is None:
        return _misspelt(first, rest, parsers)
    arguments = parser(rest)
    return None if arguments is None else Subcommand(first, arguments.user_id, arguments.text)


def _misspelt(word: str, rest: Sequence[str], parsers: Mapping[str, ArgumentParser]) -> Misspelt | None:
    for name in difflib.get_close_matches(word, list(parsers), n=3, cutoff=CLOSE_MATCH):
        if parsers[name](rest) is not None:
            return Misspelt(word, name)
    return None


def no_arguments(words: Sequence[str]) -> Arguments | None:
    return Arguments() if not words else None


def optional_number(words: Sequence[str]) -> Arguments | None:
    if not words:
        return Arguments()
    return Arguments(text=words[0]) if len(words) == 1 and words[0].isdigit() else None


def subscribe_options(words: Sequence[str]) -> Arguments | None:
    """instant|digest, location:<id>, group:<id>, tag:<name>, time:HH:MM, in any order."""
    return Arguments(text=" ".join(words)) if all(_SUBSCRIBE_OPTION.match(w) for w in words) else None


def someone_then_text(words: Sequence[str]) -> Arguments | None:
    """A mention, then free text. Without a mention it is still the subcommand (its
    handler shows usage), unless the next word is not even an attempt at one: a title."""
    if not words:
        return Arguments()
    mention = _MENTION.match(words[0])
    if mention:
        return Arguments(mention.group(1), " ".join(words[1:]))
    if words[0].startswith("@"):
        return Arguments()  # typed without Slack's autocomplete: show usage
    return None
