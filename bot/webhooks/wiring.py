"""The webhook receiver and health monitor for these settings."""

from __future__ import annotations

from concurrent.futures import Executor

from bot.admin_alerts import AdminAlerts
from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
from bot.portal import NexudusClient
from bot.relay.cycle import Relay
from bot.relay.nudge import Nudger
from bot.webhooks.health import WebhookMonitor
from bot.webhooks.inbox import PushInbox
from bot.webhooks.receiver import WebhookReceiver
from bot.webhooks.registry import WebhookRegistry, receiver_url


def webhook_receiver(
    settings: Settings, *, relay: Relay, portal: NexudusClient, background: Executor
) -> WebhookReceiver | None:
    """None when no shared secret is set: the bot then answers no webhooks at all."""
    if settings.nexudus_webhook_secret is None:
        return None
    inbox = PushInbox(Nudger(relay, portal).nudge, background)
    return WebhookReceiver(settings.nexudus_webhook_secret, inbox.add)


def webhook_monitor(
    settings: Settings, *, portal: NexudusClient, directory: Directory, alerts: AdminAlerts, clock: Clock
) -> WebhookMonitor:
    """Reads "off" (and calls nothing) while no shared secret is set."""
    url = receiver_url(settings.public_url) if settings.public_url else None
    return WebhookMonitor(
        registry=WebhookRegistry(portal, url),
        directory=directory,
        alerts=alerts,
        enabled=settings.nexudus_webhook_secret is not None,
        poll_seconds=settings.poll_seconds,
        clock=clock,
    )
