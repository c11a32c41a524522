"""Channel lifecycle events: the bot left (``channel_left``/``group_left``), the channel
archived, unarchived or deleted. Each pauses or resumes the channel's subscriptions; a
channel unarchived also has its cached audience forgotten, and is reviewed in the background
when it has a Private-group subscription (as on a join or leave)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.channel_audience import ChannelAudiences
from bot.channel_lifecycle import ChannelLifecycle
from store.channel_audience import PauseCause


def channel_paused(
    ack: Ack, event: dict[str, Any], *, lifecycle: ChannelLifecycle, cause: PauseCause
) -> None:
    ack()
    lifecycle.pause(str(event.get("channel")), cause)


def channel_unarchived(
    ack: Ack, event: dict[str, Any], *, lifecycle: ChannelLifecycle, audiences: ChannelAudiences
) -> None:
    ack()
    channel = str(event.get("channel"))
    lifecycle.unarchived(channel)
    audiences.members_changed(channel)  # who reads it may have changed while archived
