"""What a member sees about a reply they typed in a Slack thread: the ephemeral messages
about a refusal (with Retry) and the confirmation reaction's name."""

from __future__ import annotations

from typing import Any

from bot.two_way.outcomes import SlackMessage
from handlers import ids
from handlers.blocks.text import escape, mrkdwn, plain

# The reaction on a member's message once the board has it.
POSTED_REACTION = "white_check_mark"
# Said under relay posts and reply DMs, where a reply in the Slack thread reaches the board.
REPLY_HERE_HINT = "Reply in this thread to answer on the board, as yourself."


def reply_refused(message: SlackMessage, reason: str) -> tuple[str, list[dict[str, Any]]]:
    """Why a reply did not reach the board, with Retry (the text is kept)."""
    # The reason may quote Nexudus: escaped, so it can neither ping nor disguise a link.
    text = f":warning: Your reply did not reach the board: {escape(reason)} Nothing you typed is lost."
    return text, [
        {"type": "section", "text": mrkdwn(text)},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": ids.RETRY_REPLY_ACTION,
                    "text": plain("Retry"),
                    "value": message.text(),
                }
            ],
        },
    ]


def change_refused(what: str, reason: str) -> str:
    """An edit or deletion that did not reach the board (``what``: "edit" or "deletion")."""
    return f":warning: Your {what} did not reach the board: {escape(reason)}"


def reply_posted_text() -> str:
    return ":white_check_mark: Your reply is on the board."


def reply_not_yours_text(author_slack_id: str) -> str:
    return f"This reply is <@{author_slack_id}>'s: only they can retry it."


def reply_busy_text() -> str:
    return "This reply is already being posted: nothing was done."


def reply_deleted_text() -> str:
    return "You deleted this reply in Slack, so it was not posted to the board."
