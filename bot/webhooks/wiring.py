"""The webhook receiver for these settings: a nudge of the relay, drained in the background."""

from __future__ import annotations

from concurrent.futures import Executor

from bot.config import Settings
from bot.portal import NexudusClient
from bot.relay.cycle import Relay
from bot.relay.nudge import Nudger
from bot.webhooks.inbox import PushInbox
from bot.webhooks.receiver import WebhookReceiver


def webhook_receiver(
    settings: Settings, *, relay: Relay, portal: NexudusClient, background: Executor
) -> WebhookReceiver | None:
    """None when no shared secret is set: the bot then answers no webhooks at all."""
    if settings.nexudus_webhook_secret is None:
        return None
    inbox = PushInbox(Nudger(relay, portal).nudge, background)
    return WebhookReceiver(settings.nexudus_webhook_secret, inbox.add)
