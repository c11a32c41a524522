"""The unfurl of a portal thread link: subject, where, who, replies, last activity.

Every piece of portal text is escaped (``portal_inline``); the last activity is a Slack
date token, so each reader sees it in their own time zone.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from bot.portal.timestamps import wall_clock
from bot.unfurls import ThreadCard
from handlers.blocks.portal_html import portal_inline
from handlers.blocks.text import mrkdwn, shorten_mrkdwn

Block = dict[str, Any]


def thread_unfurl(card: ThreadCard) -> dict[str, list[Block]]:
    """One entry of ``chat.unfurl``'s ``unfurls`` map."""
    title = shorten_mrkdwn(portal_inline(card.subject), 150) or "(untitled)"
    link = f"<{card.url}|{title}>" if card.url else f"*{title}*"
    where = portal_inline(card.location)
    if card.group:
        where += f" · {portal_inline(card.group)}"
    facts = [where, f"by {portal_inline(card.author)}", _replies(card.replies)]
    active = last_activity(card.last_activity)
    if active:
        facts.append(f"last activity {active}")
    return {
        "blocks": [
            {"type": "section", "text": mrkdwn(f":speech_balloon: {link}")},
            {"type": "context", "elements": [mrkdwn(" · ".join(facts))]},
        ]
    }


def _replies(count: int) -> str:
    return "no replies yet" if count == 0 else f"{count} repl{'y' if count == 1 else 'ies'}"


def last_activity(stamp: str | None) -> str | None:
    """A Slack date token for a Nexudus stamp, read as UTC. Live accounts may write a
    location's wall clock behind the ``Z`` (reference §15): the day is shown, not the
    hour, so that reading is off by at most a day near midnight."""
    moment = wall_clock(stamp)
    if moment is None:
        return None
    day = moment.strftime("%Y-%m-%d")
    epoch = int(moment.replace(tzinfo=UTC).timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}}|{day}>"
