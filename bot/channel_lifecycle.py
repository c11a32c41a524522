"""Channels the bot cannot post in: removed from, archived, deleted, or refused by Slack.

Such a channel is paused, not forgotten: its subscriptions are kept (and listed with the
reason in ``/newthread status``), nothing new is planned for it, and messages already
queued for it wait in the outbox, neither failed nor sent. The bot being invited back, or
the channel unarchived, lifts the pause and the waiting messages go. Admins in
``BOT_ADMINS`` are told once of each pause and of its end.
"""

from __future__ import annotations

import logging

from bot.admin_alerts import AdminAlerts
from bot.clock import Clock, utc_now
from bot.slack_errors import CHANNEL_UNAVAILABLE
from store.channel_audience import ChannelAudienceRepository, PauseCause
from store.relay_models import Subscription
from store.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)

WHY: dict[PauseCause, str] = {
    "removed": "the bot is no longer in this channel: invite it back to resume",
    "archived": "the channel is archived: unarchive it to resume",
    "deleted": "the channel was deleted, or is private and the bot is not in it: invite the bot to resume",
}
# Which pause each of Slack's "channel unavailable" answers means; any other is "deleted".
_CAUSES: dict[str, PauseCause] = {"not_in_channel": "removed", "is_archived": "archived"}


class ChannelLifecycle:
    def __init__(
        self,
        *,
        pauses: ChannelAudienceRepository,
        subscriptions: SubscriptionRepository,
        alerts: AdminAlerts | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._pauses = pauses
        self._subscriptions = subscriptions
        self._alerts = alerts
        self._clock = clock

    def pause(self, channel_id: str, cause: PauseCause) -> bool:
        """Pause the channel for ``cause``; True if it was not paused already."""
        if not self._pauses.pause_channel(channel_id, cause, WHY[cause], self._clock()):
            return False
        log.warning("channel %s paused: %s", channel_id, WHY[cause])
        if self._alerts is not None and self._subscriptions.in_channel(channel_id):
            self._alerts.raise_once(
                _alert(channel_id), f"Subscriptions in channel {channel_id} are paused (kept): {WHY[cause]}."
            )
        return True

    def send_refused(self, channel_id: str, error: str) -> bool:
        """A send to the channel got ``error``: True if that paused it (the message waits)."""
        if error not in CHANNEL_UNAVAILABLE:
            return False  # the message, not the channel, is the trouble
        self.pause(channel_id, _CAUSES.get(error, "deleted"))
        return True

    def bot_joined(self, channel_id: str) -> bool:
        """Invited back: whatever the pause was, the bot can post there now."""
        return self._resume(channel_id, ("removed", "archived", "deleted"))

    def unarchived(self, channel_id: str) -> bool:
        return self._resume(channel_id, ("archived",))

    def paused(self) -> list[str]:
        """For ``/newthread status``: each paused channel that has subscriptions, and each
        subscription paused for its audience, with why and what resumes it."""
        lines = []
        for pause in self._pauses.channel_pauses():
            kept = _ids(self._subscriptions.in_channel(pause.channel_id))
            if kept:
                since = f"{pause.paused_at:%Y-%m-%d %H:%M} UTC"
                lines.append(f"channel {pause.channel_id} since {since} ({kept}): {pause.reason}")
        for subscription_id, held in self._pauses.subscription_pauses().items():
            subscription = self._subscriptions.get(subscription_id)
            if subscription is not None:
                lines.append(
                    f"subscription #{subscription_id} in channel {subscription.channel_id} since"
                    f" {held.paused_at:%Y-%m-%d %H:%M} UTC: {held.reason}; it resumes when the channel fits"
                )
        return lines

    def _resume(self, channel_id: str, causes: tuple[PauseCause, ...]) -> bool:
        if not self._pauses.resume_channel(channel_id, causes):
            return False
        log.info("channel %s resumed", channel_id)
        if self._alerts is not None:
            self._alerts.clear(_alert(channel_id), f"Subscriptions in channel {channel_id} resumed.")
        return True


def _ids(subscriptions: list[Subscription]) -> str:
    return ", ".join(f"#{s.id}" for s in subscriptions) + " kept"


def _alert(channel_id: str) -> str:
    return f"channel-{channel_id}"
