"""``member_joined_channel`` / ``member_left_channel``: who reads a channel changed.

Acknowledged first; then a channel with a Private-group subscription is reviewed in the
background (its audience read again from Slack, those subscriptions paused or resumed),
and any other channel's cached audience forgotten. The bot's own arrival lifts a pause (it
was invited back); its own departure pauses the channel.
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
    audiences.members_changed(channel)


def member_left(
    ack: Ack, event: dict[str, Any], *, audiences: ChannelAudiences, lifecycle: ChannelLifecycle
) -> None:
    ack()
    channel, user = str(event.get("channel")), str(event.get("user"))
    if user == audiences.bot_user_id():
        lifecycle.pause(channel, "removed")  # reportedly not always sent: a refused send pauses too
        return
    audiences.members_changed(channel)
