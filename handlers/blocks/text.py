"""Text going to and coming from Slack: escaping portal text, reading Slack markup."""

from __future__ import annotations

import re

from bot.slack_text import read_markup, unescaped

# What a cut must not split: a link or mention, an escaped character, else one character.
_MRKDWN_ATOM = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);|.", re.DOTALL)
_MARKS = "*_"


def escape(text: str) -> str:
    """Portal text made inert in mrkdwn: no mentions, no ``@channel``, no disguised links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_from_slack(text: str) -> str:
    """Slack's escaped markup (``<@U1|ann>``, ``<!here>``, ``<url|label>``) as plain text."""
    return unescaped(read_markup(text))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten_mrkdwn(text: str, limit: int) -> str:
    """At most ``limit`` characters of mrkdwn, ending with "…" when cut: never inside a link
    or an escaped character, and cut before a ``*`` or ``_`` mark that would be left open."""
    if len(text) <= limit:
        return text
    end = 0
    for atom in _MRKDWN_ATOM.finditer(text):
        if atom.end() > limit - 1:
            break
        end = atom.end()
    return text[: _first_open_mark(text, end)].rstrip() + "…"


def _first_open_mark(text: str, end: int) -> int:
    """Where the earliest mark still open at ``end`` starts (``end`` if none is open).

    A mark opens after a space or punctuation and before a non-space, and closes after a
    non-space, as Slack reads them; marks never span lines, so each line starts afresh.
    """
    opened: dict[str, int] = {}
    for atom in _MRKDWN_ATOM.finditer(text, 0, end):
        char, at = atom.group(), atom.start()
        if char == "\n":
            opened.clear()
        if char not in _MARKS:
            continue
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if char in opened and not before.isspace():
            del opened[char]
        elif char not in opened and (before.isspace() or before in "([{\"'*_~") and not after.isspace():
            opened[char] = at
    return min(opened.values(), default=end)


def plain(text: str, *, emoji: bool = True) -> dict[str, object]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, object]:
    """A mrkdwn text object Slack takes as written. Without ``verbatim`` Slack would turn bare
    URLs, channel names and some mentions in portal text into links and pings; the links and
    ``<@U…>`` mentions we write out in full work either way."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}
