"""A Slack message's text as the portal reply body: Slack's markup read, then written as HTML.

Slack sends a member's text with its own escaping (``&amp;``, ``&lt;``, ``&gt;``) and
markup in angle brackets (``<@U1>``, ``<#C1|general>``, ``<!here>``, ``<https://x|label>``).
On the board, a mention reads as the person's name, a labelled link is a link with that
label, and everything else is text (``bot.portal.bodies.to_portal_html``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bot.portal.bodies import to_portal_html

_MARKUP = re.compile(r"<([^<>\n]+)>")
# Characters of Unicode's private use area stand for links while the text is escaped:
# a member's text never holds them in practice, and html.escape leaves them alone.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def portal_body(text: str, name_of: Callable[[str], str]) -> str:
    """``text`` (as Slack sends it) as portal HTML; ``name_of(user_id)`` names a mention."""
    links: list[tuple[str, str]] = []

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
        if target.startswith(("http://", "https://")) and label and label != target:
            links.append((target, label))
            return f"{_OPEN}{len(links) - 1}{_CLOSE}"
        return target  # a bare link: to_portal_html makes it one

    unescaped = _slack_unescape(_MARKUP.sub(read, text))
    body = to_portal_html(unescaped)

    def link(found: re.Match[str]) -> str:
        url, label = links[int(found.group(1))]
        address = html.escape(_slack_unescape(url), quote=True)
        return f'<a href="{address}">{html.escape(_slack_unescape(label), quote=True)}</a>'

    return _PLACEHOLDER.sub(link, body)


def _slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
