"""Daily digests: a person's replies on threads they follow, a channel's board activity.

Due once a day at the target's local digest time (the person's Slack time zone, or the
bot's for channels). Recording a digest and marking its items digested is one
transaction that records nothing if any item was digested already, so an item is never in
two digests and a digest is never recorded twice, even by a process whose lease lapsed.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.channel_audience import ChannelAudiences
from bot.clock import utc_now
from bot.portal import NexudusClient
from bot.portal.models import CommunityGroup, Thread
from bot.portal.timestamps import STAMP_SLACK, minute_text
from bot.relay.items import BoardReply, BoardThread, DigestEntry, Message, RelayRenderer
from bot.relay.keys import (
    ChannelTarget,
    DigestKey,
    DigestTarget,
    DmTarget,
    OutboxTarget,
    PersonDigest,
    SubscriptionDigest,
    ThreadItem,
    parse_digest_target,
    parse_item_key,
)
from bot.relay.visibility import group_is_open, visible_to_channels
from bot.slack_users import SlackUsers
from bot.timekeeping import latest_occurrence, parse_clock_time, zone_or_utc
from store.digests import DigestRepository
from store.preferences import PreferenceRepository
from store.relay_models import DigestItem, OutboxMessage
from store.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)


class DigestSender:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        digests: DigestRepository,
        subscriptions: SubscriptionRepository,
        preferences: PreferenceRepository,
        slack_users: SlackUsers,
        renderer: RelayRenderer,
        default_time: time,
        default_zone: Callable[[], ZoneInfo],
        clock: Callable[[], datetime] = utc_now,
        audiences: ChannelAudiences | None = None,
    ) -> None:
        # A paused subscription's digest waits; None: no Private group is ever digested.
        self._audiences = audiences
        self._portal = portal
        self._digests = digests
        self._subscriptions = subscriptions
        self._preferences = preferences
        self._slack_users = slack_users
        self._render = renderer
        self._default_time = default_time
        self._default_zone = default_zone
        self._clock = clock

    def run(self, *, force: bool = False) -> int:
        """Record every digest that is due (all with items, if ``force``); returns how many."""
        now = self._clock()
        recorded = 0
        waiting = {text: self._digests.waiting(text) for text in self._digests.targets_waiting()}
        for_channels = [
            item.created_at
            for text, items in waiting.items()
            if isinstance(parse_digest_target(text), SubscriptionDigest)
            for item in items
        ]
        # One list call each for every channel digest due, not one per subscription.
        reads = _BoardReads(self._portal, oldest=min(for_channels, default=now))
        for text, items in waiting.items():
            match parse_digest_target(text):
                case PersonDigest() as person:
                    recorded += self._personal(person, items, now, force)
                case SubscriptionDigest() as subscription:
                    recorded += self._channel(subscription, items, now, force, reads)
        return recorded

    def _personal(self, target: PersonDigest, items: list[DigestItem], now: datetime, force: bool) -> int:
        user_id = target.user_id
        prefs = self._preferences.get(user_id)
        profile = self._slack_users.profile(user_id)
        if profile is None or profile.deleted:
            # Deactivated in Slack (or gone) since these were gathered: nobody to tell.
            self._digests.drop(target.text(), [i.item_key for i in items], now)
            return 0
        at = parse_clock_time(prefs.digest_time or "") or self._default_time
        since = prefs.last_digest_at or min(item.created_at for item in items)
        if not force and latest_occurrence(at, zone_or_utc(profile.tz), now) <= since:
            return 0
        messages = self._render.personal_digest(_entries(items))
        if not self._record(target, items, messages, DmTarget(user_id), now):
            return 0
        self._preferences.digested(user_id, now)
        return 1

    def _channel(
        self,
        target: SubscriptionDigest,
        items: list[DigestItem],
        now: datetime,
        force: bool,
        reads: _BoardReads,
    ) -> int:
        subscription = self._subscriptions.get(target.subscription_id)
        if subscription is None:
            self._digests.drop(target.text(), [i.item_key for i in items], now)  # unsubscribed meanwhile
            return 0
        at = parse_clock_time(subscription.digest_time or "") or self._default_time
        since = subscription.last_digest_at or min(item.created_at for item in items)
        if not force and latest_occurrence(at, self._default_zone(), now) <= since:
            return 0
        audiences = self._audiences
        if audiences is not None and not audiences.postable([subscription]):
            return 0  # paused (channel or audience): its items wait, kept, for the resume
        groups = reads.groups()
        # A Private group's items stay only for a subscription to that group whose channel
        # fits it now: it may have been reviewed while the group was open to everyone.
        own = subscription.group_id if audiences is not None else None
        if audiences is not None and own is not None and not group_is_open(own, groups):
            if own not in groups:
                own = None  # hidden from the bot: never guess in favour of posting
            elif not audiences.confirm([subscription], own):
                return 0  # paused just now: its items wait, kept, for the resume
        shown, hidden = _visible_now(items, groups, own, reads)
        if hidden:
            self._digests.drop(target.text(), [i.item_key for i in hidden], now)
        channel = ChannelTarget(subscription.channel_id)
        messages = self._render.channel_digest(_entries(shown))
        recorded = bool(shown) and self._record(target, shown, messages, channel, now, needs_group=own)
        if recorded or not shown:
            self._subscriptions.digested(subscription.id, now)
        return 1 if recorded else 0

    def _record(
        self,
        target: DigestTarget,
        items: list[DigestItem],
        messages: list[Message],
        to: OutboxTarget,
        now: datetime,
        needs_group: int | None = None,
    ) -> bool:
        """Record one digest; False if another process digested these items first (this
        one's lease lapsed while it was paused): the items are in that digest, not this."""
        outbox = [
            OutboxMessage(
                key=DigestKey(target, now, n).text(),
                target=to.text(),
                text=text,
                blocks=blocks,
                created_at=now,
                needs_group=needs_group,
            )
            for n, (text, blocks) in enumerate(messages, start=1)
        ]
        if not self._digests.close_digest(target.text(), [i.item_key for i in items], outbox, now):
            log.warning("digest for %s not recorded: another process digested its items", target.text())
            return False
        log.info("digest for %s: %d item(s) in %d message(s)", target.text(), len(items), len(outbox))
        return True


def _entries(items: list[DigestItem]) -> list[DigestEntry]:
    """Items grouped by thread, in the order threads first appeared."""
    threads: OrderedDict[int, tuple[BoardThread, bool, list[BoardReply]]] = OrderedDict()
    for item in items:
        thread = BoardThread.model_validate(item.payload["thread"])
        _, _, replies = threads.setdefault(thread.id, (thread, False, []))
        if isinstance(parse_item_key(item.item_key), ThreadItem):
            threads[thread.id] = (thread, True, replies)
        if "reply" in item.payload:
            replies.append(BoardReply.model_validate(item.payload["reply"]))
    return [DigestEntry(thread=t, is_new=new, replies=r) for t, new, r in threads.values()]


def _visible_now(
    items: list[DigestItem], groups: dict[int, CommunityGroup], own_group: int | None, reads: _BoardReads
) -> tuple[list[DigestItem], list[DigestItem]]:
    """The items a channel may still see, and the others: each is checked again with
    fresh data (a thread may have turned private since it was queued). Items of
    ``own_group`` (the subscription's group, its channel fitting it) stay even if it is
    Private.

    Threads updated since the oldest item are read fresh (a thread made private was
    updated; ``reads`` lists them once for the whole pass, since the oldest item of any
    channel digest); others are as they were queued.
    """
    changed = reads.threads_updated()

    def visible(item: DigestItem) -> bool:
        queued = BoardThread.model_validate(item.payload["thread"])
        fresh = changed.get(queued.id)
        if fresh is not None:
            mine = own_group is not None and not fresh.private and fresh.community_group_id == own_group
            return mine or visible_to_channels(fresh, groups)
        return (own_group is not None and queued.group_id == own_group) or group_is_open(
            queued.group_id, groups
        )

    shown = [i for i in items if visible(i)]
    return shown, [i for i in items if i not in shown]


class _BoardReads:
    """The board as one digest pass reads it, each listed once however many channel digests
    are due: the groups, and the threads updated since the oldest of their items."""

    def __init__(self, portal: NexudusClient, *, oldest: datetime) -> None:
        self._portal = portal
        self._oldest = oldest
        self._groups: dict[int, CommunityGroup] | None = None
        self._threads: dict[int, Thread] | None = None

    def groups(self) -> dict[int, CommunityGroup]:
        if self._groups is None:
            self._groups = {g.id: g for g in self._portal.groups()}
        return self._groups

    def threads_updated(self) -> dict[int, Thread]:
        if self._threads is None:
            # Nexudus's clock may be space-local behind a "Z" (reference §4): widen it.
            since = minute_text(self._oldest - STAMP_SLACK)
            self._threads = {t.id: t for t in self._portal.threads_updated_since(since)}
        return self._threads
