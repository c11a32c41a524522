"""Text going to and coming from Slack: escaping portal text, reading Slack markup."""

from __future__ import annotations

import re

_ANGLE_MARKUP = re.compile(r"<([^<>]+)>")


def escape(text: str) -> str:
    """Portal text made inert in mrkdwn: no mentions, no ``@channel``, no disguised links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_from_slack(text: str) -> str:
    """Slack's escaped markup (``<@U1|ann>``, ``<!here>``, ``<url|label>``) as plain text."""

    def readable(found: re.Match[str]) -> str:
        inner = found.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            special = target[1:].split("^")[0]
            return label or f"@{special}"
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return f"{label} ({target})" if label and label != target else target

    converted = _ANGLE_MARKUP.sub(readable, text)
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, *, emoji: bool = True) -> dict[str, object]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, object]:
    return {"type": "mrkdwn", "text": text}
