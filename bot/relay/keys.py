"""The relay's keys and targets as types: each is built here and parsed back here.

Their text is what the database holds (outbox ``key``, ``target``, ``parent_key``;
``digest_items.target`` and ``item_key``), so ``text()`` must keep writing what earlier
versions wrote: rows already queued are read with these same parsers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# A digest's outbox key carries the second it was recorded, in UTC.
_STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class DmTarget:
    """A person, reached in the bot's DM channel with them."""

    user_id: str

    def text(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class ChannelTarget:
    channel_id: str

    def text(self) -> str:
        return self.channel_id


OutboxTarget = DmTarget | ChannelTarget


def parse_outbox_target(text: str) -> OutboxTarget:
    """Where an outbox row goes. Never raises: any other text is a channel, for Slack to judge."""
    if text.startswith("user:"):
        return DmTarget(text.removeprefix("user:"))
    if text.startswith(("U", "W")):
        # Rows queued before targets said "user:" held a bare user id (U…, or W… on
        # Enterprise Grid; channel ids start C, G or D). Only such pending rows need this.
        return DmTarget(text)
    return ChannelTarget(text)


@dataclass(frozen=True)
class PersonDigest:
    """A person's digest of replies on threads they follow; it goes to them by DM."""

    user_id: str

    def text(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class SubscriptionDigest:
    """A channel subscription's digest; the subscription says which channel."""

    subscription_id: int

    def text(self) -> str:
        return f"sub:{self.subscription_id}"


DigestTarget = PersonDigest | SubscriptionDigest


def parse_digest_target(text: str) -> DigestTarget:
    match text.split(":"):
        case ["user", user_id] if user_id:
            return PersonDigest(user_id)
        case ["sub", number]:
            return SubscriptionDigest(_number(number, text))
    raise ValueError(f"not a digest target: {text!r}")


@dataclass(frozen=True)
class ThreadItem:
    """A digest item: a new thread."""

    thread_id: int

    def text(self) -> str:
        return f"thread:{self.thread_id}"


@dataclass(frozen=True)
class ReplyItem:
    """A digest item: a new reply."""

    reply_id: int

    def text(self) -> str:
        return f"reply:{self.reply_id}"


ItemKey = ThreadItem | ReplyItem


def parse_item_key(text: str) -> ItemKey:
    match text.split(":"):
        case ["thread", number]:
            return ThreadItem(_number(number, text))
        case ["reply", number]:
            return ReplyItem(_number(number, text))
    raise ValueError(f"not a digest item key: {text!r}")


@dataclass(frozen=True)
class RepliesDmKey:
    """A DM telling one person of new replies on a thread, named by the first of them."""

    thread_id: int
    first_reply_id: int
    user_id: str

    def text(self) -> str:
        return f"replies:{self.thread_id}:{self.first_reply_id}:user:{self.user_id}"

    @staticmethod
    def prefix_of_thread(thread_id: int) -> str:
        """What every such key about ``thread_id`` starts with (to find them in the outbox)."""
        return f"replies:{thread_id}:"


@dataclass(frozen=True)
class ChannelPostKey:
    """A new thread posted in a channel; its replies are threaded under it."""

    thread_id: int
    channel_id: str

    def text(self) -> str:
        return f"thread:{self.thread_id}:channel:{self.channel_id}"

    @staticmethod
    def prefix() -> str:
        """What every channel post's key starts with (to find them in the outbox)."""
        return "thread:"


@dataclass(frozen=True)
class ChannelReplyKey:
    reply_id: int
    channel_id: str

    def text(self) -> str:
        return f"reply:{self.reply_id}:channel:{self.channel_id}"


@dataclass(frozen=True)
class DigestKey:
    """One message of a digest (long digests take several), recorded at ``at`` (UTC)."""

    target: DigestTarget
    at: datetime
    part: int

    def text(self) -> str:
        return f"digest:{self.target.text()}:{self.at.strftime(_STAMP)}:{self.part}"


@dataclass(frozen=True)
class AlertNoticeKey:
    """An admin told that alert ``name`` (no ":") was raised or cleared at ``at`` (UTC)."""

    name: str
    at: datetime
    cleared: bool
    user_id: str

    def text(self) -> str:
        event = "cleared" if self.cleared else "raised"
        return f"alert:{self.name}:{self.at.strftime(_STAMP)}:{event}:user:{self.user_id}"


OutboxKey = RepliesDmKey | ChannelPostKey | ChannelReplyKey | DigestKey | AlertNoticeKey


def parse_outbox_key(text: str) -> OutboxKey:
    # Slack ids, numbers and stamps hold no ":", so splitting on it is unambiguous.
    match text.split(":"):
        case ["replies", thread, reply, "user", user_id] if user_id:
            return RepliesDmKey(_number(thread, text), _number(reply, text), user_id)
        case ["thread", thread, "channel", channel_id] if channel_id:
            return ChannelPostKey(_number(thread, text), channel_id)
        case ["reply", reply, "channel", channel_id] if channel_id:
            return ChannelReplyKey(_number(reply, text), channel_id)
        case ["alert", name, stamp, ("raised" | "cleared") as event, "user", user_id] if name and user_id:
            at = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
            return AlertNoticeKey(name, at, event == "cleared", user_id)
        case ["digest", kind, target, stamp, part]:
            at = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
            return DigestKey(parse_digest_target(f"{kind}:{target}"), at, _number(part, text))
    raise ValueError(f"not an outbox key: {text!r}")


def _number(digits: str, text: str) -> int:
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"not a number in {text!r}: {digits!r}")
    return int(digits)
