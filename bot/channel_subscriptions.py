"""Channels that follow the board: what an admin's subscribe, unsubscribe and list do.
Subscribing and unsubscribing go to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from bot.audit import AuditTrail
from bot.clock import Clock
from bot.directory import Directory
from store.models import Group, Location
from store.relay_models import Subscription, SubscriptionMode
from store.subscriptions import SubscriptionRepository


@dataclass(frozen=True)
class SubscribeRequest:
    mode: SubscriptionMode = "digest"
    business_id: int | None = None
    group_id: int | None = None
    tag: str | None = None
    digest_time: str | None = None


class ChannelSubscriptions:
    def __init__(
        self,
        *,
        subscriptions: SubscriptionRepository,
        directory: Directory,
        default_digest_time: str,
        clock: Clock,
        audit: AuditTrail,
    ) -> None:
        self._audit = audit
        self._subscriptions = subscriptions
        self._directory = directory
        self.default_digest_time = default_digest_time
        self._clock = clock

    def subscribe(self, channel_id: str, request: SubscribeRequest, *, by: str) -> Subscription:
        subscription = self._subscriptions.add(
            channel_id=channel_id,
            mode=request.mode,
            business_id=request.business_id,
            group_id=request.group_id,
            tag=request.tag,
            digest_time=request.digest_time,
            created_by=by,
            now=self._clock(),
        )
        self._audit.record(by, "subscribe", channel_id, _summary(subscription))
        return subscription

    def unsubscribe(
        self, channel_id: str, subscription_id: int | None = None, *, by: str, why: str = ""
    ) -> int:
        """Removes one subscription, or all of the channel's; how many went."""
        removed = self._subscriptions.remove(channel_id, subscription_id)
        if removed:
            which = f"#{subscription_id}" if subscription_id is not None else f"all ({removed})"
            self._audit.record(by, "unsubscribe", channel_id, f"{which} {why}".rstrip())
        return removed

    def in_channel(self, channel_id: str) -> list[Subscription]:
        return self._subscriptions.in_channel(channel_id)

    def location(self, business_id: int) -> Location | None:
        return self._directory.location(business_id)

    def group(self, group_id: int) -> Group | None:
        return self._directory.group(group_id)


def _summary(subscription: Subscription) -> str:
    """The subscription's id and filters, as ids (the audit outlives names)."""
    parts = [f"#{subscription.id}", subscription.mode]
    for label, value in (
        ("location", subscription.business_id),
        ("group", subscription.group_id),
        ("tag", subscription.tag),
        ("time", subscription.digest_time),
    ):
        if value is not None:
            parts.append(f"{label}:{value}")
    return " ".join(parts)
