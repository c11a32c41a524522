"""``member_joined_channel`` / ``member_left_channel``: who reads a channel changed.

Acknowledged first; then the channel's audience is read again from Slack and its
Private-group subscriptions paused or resumed. The bot's own arrival lifts a pause (it was
invited back); its own departure pauses the channel.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.channel_audience import ChannelAudiences
from bot.channel_lifecycle import ChannelLifecycle


def member_joined(
    ack: Ack, event: dict[str, Any], *, audiences: ChannelAudiences, lifecycle: ChannelLifecycle
) -> None:
    ack()
    channel, user = str(event.get("channel")), str(event.get("user"))
    if user == audiences.bot_user_id():
        lifecycle.bot_joined(channel)
    audiences.review(channel)


def member_left(
    ack: Ack, event: dict[str, Any], *, audiences: ChannelAudiences, lifecycle: ChannelLifecycle
) -> None:
    ack()
    channel, user = str(event.get("channel")), str(event.get("user"))
    if user == audiences.bot_user_id():
        lifecycle.pause(channel, "removed")  # reportedly not always sent: a refused send pauses too
        return
    audiences.review(channel)
