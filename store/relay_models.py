"""Records of the relay: the outbox, digest items, subscriptions, preferences, people."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from store.models import Record

OutboxState = Literal["pending", "sent", "failed"]
RepliesChoice = Literal["instant", "digest", "off"]
SubscriptionMode = Literal["instant", "digest"]


class OutboxMessage(Record):
    # Keys and targets are built and parsed by bot.relay.keys; the store keeps their text.
    key: str
    target: str
    parent_key: str | None = None
    text: str
    blocks: list[dict[str, Any]]
    state: OutboxState = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
    channel: str | None = None
    ts: str | None = None
    needs_group: int | None = None  # a Private group's post: sent only while the channel fits it


class DigestItem(Record):
    target: str  # bot.relay.keys.DigestTarget as text
    item_key: str  # bot.relay.keys.ItemKey as text
    payload: dict[str, Any]
    created_at: datetime


class Subscription(Record):
    id: int
    channel_id: str
    mode: SubscriptionMode
    business_id: int | None = None
    group_id: int | None = None
    tag: str | None = None
    digest_time: str | None = None
    created_by: str
    created_at: datetime
    last_digest_at: datetime | None = None


class Preferences(Record):
    slack_user_id: str
    replies: RepliesChoice | None = None  # None: as Nexudus does
    digest_time: str | None = None
    last_digest_at: datetime | None = None


class PortalPerson(Record):
    """A portal user as the relay needs them: a name to show, and their Slack user if any."""

    portal_user_id: int
    full_name: str | None = None
    email: str | None = None
    slack_user_id: str | None = None
    checked_at: datetime
    expires_at: datetime | None = None
