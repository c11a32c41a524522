"""Reading ``/newthread`` text: a subcommand, or a title for the form."""

from __future__ import annotations

import re
from dataclasses import dataclass

# With should_escape, Slack sends a mention as <@U123|name> (or <@U123>).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ALONE = ("help", "whoami", "list", "status")
WITH_USER = ("link", "unlink")
_SUBSCRIBE_OPTION = re.compile(r"^(instant|digest|(location|group):\d+|tag:\S+|time:\d{1,2}:\d{2})$", re.I)


@dataclass(frozen=True)
class Subcommand:
    name: str
    user_id: str | None = None
    argument: str = ""


def parse_subcommand(text: str) -> Subcommand | None:
    """None means the text is a title. ``link`` without a mention is still ``link`` (usage)."""
    words = text.split()
    if not words:
        return None
    first = words[0].lower()
    if first in ALONE and len(words) == 1:
        return Subcommand(first)
    if first == "unsubscribe" and (len(words) == 1 or (len(words) == 2 and words[1].isdigit())):
        return Subcommand(first, argument=" ".join(words[1:]))
    if first == "subscribe" and all(_SUBSCRIBE_OPTION.match(w) for w in words[1:]):
        return Subcommand(first, argument=" ".join(words[1:]))
    if first in WITH_USER:
        if len(words) == 1:
            return Subcommand(first)
        mention = _MENTION.match(words[1])
        if mention:
            return Subcommand(first, mention.group(1), " ".join(words[2:]))
        if words[1].startswith("@"):
            return Subcommand(first)  # typed without Slack's autocomplete: show usage
    return None
