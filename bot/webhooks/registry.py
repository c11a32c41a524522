"""The bot's webhooks in Nexudus: one "new thread" (39) and one "new reply" (40) per location.

Webhooks are bound to one location each (reference §9), so a network of spaces needs two
per location. "Ours" are the webhooks whose URL is the bot's receiver: with
``BOT_PUBLIC_URL`` set, exactly ``BOT_PUBLIC_URL/nexudus/webhooks``; without it (webhooks
made by hand in Nexudus), any URL ending in ``/nexudus/webhooks``. Nobody else's webhook
is ever changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.http_server import WEBHOOKS_PATH
from bot.portal import NexudusClient
from bot.portal.models import Business, Webhook, WebhookAction

OUR_ACTIONS = {WebhookAction.NEW_THREAD: "new thread", WebhookAction.NEW_REPLY: "new reply"}
NAME_PREFIX = "Slack board bot"


def receiver_url(public_url: str) -> str:
    return public_url.rstrip("/") + WEBHOOKS_PATH


def is_ours(webhook: Webhook, url: str | None) -> bool:
    if url is None:
        return webhook.url.rstrip("/").endswith(WEBHOOKS_PATH)
    return webhook.url.rstrip("/") == url.rstrip("/")


@dataclass
class Installed:
    created: list[Webhook] = field(default_factory=list)
    enabled: list[Webhook] = field(default_factory=list)  # there but off: turned back on
    kept: list[Webhook] = field(default_factory=list)  # already there and on


class WebhookRegistry:
    def __init__(self, portal: NexudusClient, url: str | None) -> None:
        self._portal = portal
        self._url = url  # the receiver's full URL, or None: recognise ours by their path

    def ours(self) -> list[Webhook]:
        return [w for w in self._portal.webhooks() if is_ours(w, self._url) and w.action in OUR_ACTIONS]

    def install(self, locations: list[Business] | None = None) -> Installed:
        """Create the webhooks missing for every location and turn ours back on where
        Nexudus turned them off (10 failed deliveries do); a second run changes nothing."""
        assert self._url is not None, "install needs BOT_PUBLIC_URL"
        done = Installed()
        ours = {(w.business_id, w.action): w for w in self.ours()}
        for location in locations if locations is not None else self._portal.businesses():
            for action, what in OUR_ACTIONS.items():
                existing = ours.get((location.id, action))
                if existing is not None and existing.active:
                    done.kept.append(existing)
                    continue
                if existing is not None:
                    self._portal.enable_webhook(existing.id)
                    done.enabled.append(existing.model_copy(update={"active": True}))
                    continue
                webhook = Webhook(
                    business_id=location.id,
                    name=f"{NAME_PREFIX}: {what}",
                    action=action,
                    url=self._url,
                    description="Relays the Discussion Board to Slack (python -m bot webhooks)",
                    active=True,
                )
                created = webhook.model_copy(update={"id": self._portal.create_webhook(webhook)})
                done.created.append(created)
        return done

    def remove(self) -> list[Webhook]:
        """Delete ours, and only ours; returns what was deleted."""
        ours = self.ours()
        for webhook in ours:
            self._portal.delete_webhook(webhook.id)
        return ours
