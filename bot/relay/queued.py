"""A planned message as the outbox row that holds it until it is sent."""

from __future__ import annotations

from datetime import datetime

from bot.relay.items import Message
from bot.relay.keys import ChannelPostKey, OutboxKey, OutboxTarget
from store.relay_models import OutboxMessage


def outbox_message(
    key: OutboxKey,
    target: OutboxTarget,
    message: Message,
    now: datetime,
    parent: ChannelPostKey | None = None,
) -> OutboxMessage:
    text, blocks = message
    return OutboxMessage(
        key=key.text(),
        target=target.text(),
        parent_key=parent.text() if parent else None,
        text=text,
        blocks=blocks,
        created_at=now,
    )
