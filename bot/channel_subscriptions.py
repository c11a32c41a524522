"""Channels that follow the board: what an admin's subscribe, unsubscribe and list do."""

from __future__ import annotations

from dataclasses import dataclass

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
    ) -> None:
        self._subscriptions = subscriptions
        self._directory = directory
        self.default_digest_time = default_digest_time
        self._clock = clock

    def subscribe(self, channel_id: str, request: SubscribeRequest, *, by: str) -> Subscription:
        return self._subscriptions.add(
            channel_id=channel_id,
            mode=request.mode,
            business_id=request.business_id,
            group_id=request.group_id,
            tag=request.tag,
            digest_time=request.digest_time,
            created_by=by,
            now=self._clock(),
        )

    def unsubscribe(self, channel_id: str, subscription_id: int | None = None) -> int:
        """Removes one subscription, or all of the channel's; how many went."""
        return self._subscriptions.remove(channel_id, subscription_id)

    def in_channel(self, channel_id: str) -> list[Subscription]:
        return self._subscriptions.in_channel(channel_id)

    def location(self, business_id: int) -> Location | None:
        return self._directory.location(business_id)

    def group(self, group_id: int) -> Group | None:
        return self._directory.group(group_id)
