"""``python -m bot webhooks install|status|remove``: the bot's webhooks in Nexudus."""

from __future__ import annotations

from typing import TextIO

from bot.app import portal_client
from bot.config import Settings
from bot.portal import NexudusClient, PortalAuthError, PortalError, PortalNotFound
from bot.portal.models import Webhook
from bot.webhooks.registry import OUR_ACTIONS, WebhookRegistry, receiver_url
from store import Store

ACTIONS = ("install", "status", "remove")
ROLES = "Webhook-List, Webhook-Read, Webhook-Create, Webhook-Edit and Webhook-Delete (and Business-List)"
SECRET_REMINDER = (
    "Nexudus signs each webhook with a shared secret: set the same one in Nexudus "
    "(Settings > Integrations) and in NEXUDUS_WEBHOOK_SECRET, then restart the bot."
)


def run_webhooks(settings: Settings, action: str | None, out: TextIO) -> int:
    if action not in ACTIONS:
        out.write(f"use: python -m bot webhooks {'|'.join(ACTIONS)}\n")
        return 2
    if action == "install" and not settings.public_url:
        out.write("webhooks install needs BOT_PUBLIC_URL: the bot's public https address.\n")
        return 2
    store = Store(settings.database)
    portal = portal_client(settings, store)
    try:
        return _run(action, settings, portal, out)
    except (PortalAuthError, PortalNotFound) as error:
        # Live accounts answer a write the role does not allow with 401 "Not found" (§15).
        out.write(
            f"Nexudus refused: {error}\nThe bot's account needs the roles {ROLES}. "
            "python -m bot webhooks status shows what is in place.\n"
        )
        return 1
    except PortalError as error:
        out.write(f"Nexudus did not answer: {error}\n")
        return 1
    finally:
        portal.close()
        store.close()


def _run(action: str, settings: Settings, portal: NexudusClient, out: TextIO) -> int:
    url = receiver_url(settings.public_url) if settings.public_url else None
    registry = WebhookRegistry(portal, url)
    locations = portal.businesses()
    names = {b.id: b.name for b in locations}
    if action == "install":
        done = registry.install(locations)
        for webhook in done.created:
            out.write(f"created: {describe(webhook, names)}\n")
        for webhook in done.enabled:
            out.write(f"turned back on: {describe(webhook, names)}\n")
        for webhook in done.kept:
            out.write(f"already there: {describe(webhook, names)}\n")
        out.write(
            f"{len(done.created)} created, {len(done.enabled)} turned back on, "
            f"{len(done.kept)} already there, at {url}\n"
        )
        if settings.nexudus_webhook_secret is None:
            out.write("NEXUDUS_WEBHOOK_SECRET is not set: the bot refuses webhooks until it is.\n")
        out.write(SECRET_REMINDER + "\n")
    elif action == "status":
        ours = registry.ours()
        for webhook in sorted(ours, key=lambda w: (names.get(w.business_id, ""), w.action)):
            out.write(status_line(webhook, names) + "\n")
        if not ours:
            out.write("no webhooks of the bot's: run python -m bot webhooks install\n")
    else:
        removed = registry.remove()
        for webhook in removed:
            out.write(f"removed: {describe(webhook, names)}\n")
        out.write(f"{len(removed)} removed (other webhooks left alone)\n")
    return 0


def describe(webhook: Webhook, names: dict[int, str]) -> str:
    location = names.get(webhook.business_id, f"location {webhook.business_id}")
    return f"{location}, {OUR_ACTIONS.get(webhook.action, webhook.action)} (id {webhook.id})"


def status_line(webhook: Webhook, names: dict[int, str]) -> str:
    return (
        f"{describe(webhook, names)}: Active {webhook.active}, LastTrigger {webhook.last_trigger or '-'}, "
        f"LastError {webhook.last_error or '-'}, ErrorCount {webhook.error_count}"
    )
