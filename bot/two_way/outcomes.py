"""What became of a member's Slack reply; handlers turn each into a reaction or an ephemeral."""

from __future__ import annotations

from dataclasses import dataclass

from bot.portal import (
    PortalAuthError,
    PortalError,
    PortalNotFound,
    PortalRejected,
    PortalThrottled,
    PortalUnavailable,
)


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
class ReplyIgnored:
    """Not ours to post: no portal thread behind this Slack thread, already posted or being
    posted (a retried or duplicate event), an edit of nothing we posted, or too late."""


ReplyOutcome = ReplyPosted | ReplyNotLinked | ReplyRefused | NotYourReply | ReplyIgnored


def refusal_reason(error: PortalError) -> str:
    """Why Nexudus did not take a reply, in words a member can act on."""
    if isinstance(error, PortalNotFound):
        # Live accounts answer 401 "Access Denied." to a write naming a deleted record (§15).
        return (
            "the board refused it: the thread may have been deleted, or your portal account "
            "may no longer be active."
        )
    if isinstance(error, PortalRejected):
        said = "; ".join(f"{e.property_name}: {e.message}".lstrip(": ") for e in error.errors)
        return f"Nexudus refused it ({said or error})."
    if isinstance(error, PortalThrottled):
        return "Nexudus is busy right now."
    if isinstance(error, PortalAuthError):
        return "the bot cannot sign in to Nexudus (an admin needs to check its account)."
    if isinstance(error, PortalUnavailable) and error.maybe_applied:
        return (
            "Nexudus stopped answering, so it may have been posted: Retry looks first, "
            "so it never appears twice."
        )
    return "Nexudus is not answering right now."
