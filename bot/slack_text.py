"""Text to and from Slack: what the bot sends in mrkdwn, escaped and cut to fit a section
(``handlers.blocks.text`` does the same for Block Kit builders; ``bot`` may not import it),
and members' text read back from Slack's markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Slack refuses a section whose text is longer (invalid_blocks), and the message with it.
SECTION_TEXT = 3000
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escaped(text: str) -> str:
    """Slack's three control characters made inert: no mentions, no links, as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_within(text: str, limit: int = SECTION_TEXT) -> str:
    """``text`` escaped, in at most ``limit`` characters, ending with "…" when cut: the cut
    falls between characters of ``text``, never inside an escape."""
    shown = escaped(text)
    if len(shown) <= limit:
        return shown
    kept, size = 0, 0
    for char in text:
        size += len(_ESCAPES.get(char, char))
        if size > limit - 1:
            break
        kept += 1
    return escaped(text[:kept]).rstrip() + "…"


# Slack's markup in a member's text: ``<@U1|ann>``, ``<#C1|general>``, ``<!here>``,
# ``<mailto:a@b|a>``, ``<https://x|label>``. A literal "<" or ">" comes escaped, never raw.
_MARKUP = re.compile(r"<([^<>\n]+)>")


def read_markup(
    text: str,
    *,
    name_of: Callable[[str], str] = lambda user_id: user_id,
    link: Callable[[str, str], str] = lambda url, label: f"{label} ({url})",
) -> str:
    """``text`` as Slack sends it, its markup read: a mention as "@" and its label or
    ``name_of(user_id)``, a channel as "#" and its name, ``<!here>`` as "@here", an email
    as itself, a labelled link as ``link(url, label)``, a bare one as its address. Slack's
    escaping (``&amp;``, ``&lt;``, ``&gt;``) is left in: ``unescaped`` undoes it."""

    def read(found: re.Match[str]) -> str:
        target, _, label = found.group(1).partition("|")
        if target.startswith("@"):
            return "@" + (label or name_of(target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return link(target, label) if label and label != target else target

    return _MARKUP.sub(read, text)


def unescaped(text: str) -> str:
    """Slack's escaping undone: the text as the member typed it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
