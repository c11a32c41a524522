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
from bot.slack_text import read_markup, unescaped

# Characters of Unicode's private use area stand for links while the text is escaped:
# a member's text never holds them in practice, and html.escape leaves them alone.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def portal_body(text: str, name_of: Callable[[str], str]) -> str:
    """``text`` (as Slack sends it) as portal HTML; ``name_of(user_id)`` names a mention."""
    links: list[tuple[str, str]] = []

    def hold(url: str, label: str) -> str:
        if not url.startswith(("http://", "https://")):
            return url
        links.append((url, label))
        return f"{_OPEN}{len(links) - 1}{_CLOSE}"

    body = to_portal_html(unescaped(read_markup(text, name_of=name_of, link=hold)))

    def link(found: re.Match[str]) -> str:
        url, label = links[int(found.group(1))]
        address = html.escape(unescaped(url), quote=True)
        return f'<a href="{address}">{html.escape(unescaped(label), quote=True)}</a>'

    return _PLACEHOLDER.sub(link, body)
