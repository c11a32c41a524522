"""What became of a member's Slack reply; handlers turn each into a reaction or an ephemeral.

Why Nexudus refused one, in words, is ``bot.refusals.reply_refusal_reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from store.slack_replies import SlackReply


@dataclass(frozen=True)
class SlackMessage:
    """Where a member's message is in Slack: ``ts`` is unique within ``channel``."""

    channel: str
    ts: str

    def text(self) -> str:
        return f"{self.channel}:{self.ts}"

    @classmethod
    def parse(cls, text: str) -> SlackMessage:
        # Channel ids and ts hold no ":", so the split is unambiguous.
        channel, _, ts = text.partition(":")
        if not channel or not ts:
            raise ValueError(f"not a Slack message reference: {text!r}")
        return cls(channel, ts)


@dataclass(frozen=True)
class ReplyPosted:
    reply_id: int


@dataclass(frozen=True)
class ReplyNotLinked:
    """The member has no portal account we can find: nothing was sent to Nexudus."""

    email: str | None


@dataclass(frozen=True)
class ReplyRefused:
    """Nexudus did not take it; the text is kept for the member's Retry."""

    reason: str


@dataclass(frozen=True)
class NotYourReply:
    """Someone pressed Retry on another member's reply; nothing was done."""

    author: str


@dataclass(frozen=True)
class ReplyDeleted:
    """Retry on a reply the member deleted in Slack before it reached the board: nothing posted."""


@dataclass(frozen=True)
class ReplyIgnored:
    """Not ours to post: no portal thread behind this Slack thread, already posted or being
    posted (a retried or duplicate event), an edit of nothing we posted, or too late."""


ReplyOutcome = ReplyPosted | ReplyNotLinked | ReplyRefused | NotYourReply | ReplyDeleted | ReplyIgnored


class ReplyNotifier(Protocol):
    def tell(self, reply: SlackReply, outcome: ReplyOutcome) -> None:
        """Let the reply's author know what became of it."""
