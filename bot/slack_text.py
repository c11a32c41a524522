"""Text the bot itself sends to Slack in mrkdwn: escaped, and cut to fit a section.

(``handlers.blocks.text`` does the same for Block Kit builders; ``bot`` may not import it.)
"""

from __future__ import annotations

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
