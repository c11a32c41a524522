"""Channels that follow the board: what an admin's subscribe, unsubscribe and list do.
Subscribing and unsubscribing go to the audit trail. Subscribing says first what the
channel's audience lets it receive, and refuses a Private group it does not fit."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError

from bot.audit import AuditTrail
from bot.channel_audience import ChannelAudiences
from bot.clock import Clock
from bot.directory import Directory
from bot.group_fit import LIMITED, GroupFit
from bot.portal.models import GroupAccess
from store.models import Group, Location
from store.outbox import OutboxRepository
from store.relay_models import Subscription, SubscriptionMode
from store.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubscribeRequest:
    mode: SubscriptionMode = "digest"
    business_id: int | None = None
    group_id: int | None = None
    tag: str | None = None
    digest_time: str | None = None


@dataclass(frozen=True)
class Outlook:
    """What a channel will and will not receive, and why; ``refusal`` if it may not subscribe."""

    lines: list[str] = field(default_factory=list)
    refusal: str | None = None


@dataclass(frozen=True)
class Subscribed:
    subscription: Subscription
    outlook: Outlook  # read once, to decide and to tell the admin


class AudienceRefused(Exception):
    """The channel's audience does not fit the subscription asked for (the message says why)."""


class ChannelSubscriptions:
    def __init__(
        self,
        *,
        subscriptions: SubscriptionRepository,
        directory: Directory,
        default_digest_time: str,
        clock: Clock,
        audit: AuditTrail,
        outbox: OutboxRepository,
        audiences: ChannelAudiences | None = None,  # None: no audience said, none refused
    ) -> None:
        # Messages held for a Private-group subscription go with it (else held forever).
        self._outbox = outbox
        self._audiences = audiences
        self._audit = audit
        self._subscriptions = subscriptions
        self._directory = directory
        self.default_digest_time = default_digest_time
        self._clock = clock

    def subscribe(self, channel_id: str, request: SubscribeRequest, *, by: str) -> Subscribed:
        """Raises AudienceRefused for a Private group the channel's members do not all belong to."""
        outlook = self.outlook(channel_id, request.group_id)
        if outlook.refusal is not None:
            raise AudienceRefused(outlook.refusal)
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
        return Subscribed(subscription, outlook)

    def unsubscribe(
        self, channel_id: str, subscription_id: int | None = None, *, by: str, why: str = ""
    ) -> int:
        """Removes one subscription, or all of the channel's; how many went."""
        removed = self._subscriptions.remove(channel_id, subscription_id)
        dropped = self._outbox.drop_unsubscribed(channel_id)
        if dropped:
            log.info("%d message(s) held for a removed subscription in %s dropped", dropped, channel_id)
        if removed:
            which = f"#{subscription_id}" if subscription_id is not None else f"all ({removed})"
            self._audit.record(by, "unsubscribe", channel_id, f"{which} {why}".rstrip())
        return removed

    def outlook(self, channel_id: str, group_id: int | None) -> Outlook:
        """What this channel will get, from its audience (cached an hour)."""
        if self._audiences is None:
            return Outlook()
        try:
            audience = self._audiences.current(channel_id)
        except SlackApiError as error:
            why = f"Slack did not say who is in this channel ({error.response.get('error')}): invite me first"
            return Outlook([why], refusal=self._private_refusal(group_id, why))
        if audience.limited:
            lines = [f"{LIMITED}: private threads and Private groups are never posted here"]
        elif not audience.is_private:
            lines = ["this channel is public: private threads and Private groups are never posted here"]
        else:
            lines = ["private threads are never posted in channels"]
        if group_id is None:
            return Outlook(lines)
        fit: GroupFit = self._audiences.group_fit(audience, group_id)
        return Outlook([*lines, fit.reason], refusal=None if fit.fits else fit.reason)

    def _private_refusal(self, group_id: int | None, why: str) -> str | None:
        if group_id is None:
            return None
        group = self._directory.group(group_id)
        # A group the cache does not know counts as Private: never guess in favour of posting.
        return None if group is not None and group.access != GroupAccess.PRIVATE else why

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
