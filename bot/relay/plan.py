"""Deciding who hears about what: DMs to followers, posts and digest items for channels.

Privacy is decided here with data fetched in this poll: a private thread, or one in a
Private group, never goes to a channel; its followers still hear of it by DM.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.channel_audience import ChannelAudiences
from bot.directory import Directory
from bot.portal import NexudusClient
from bot.portal.models import CommunityGroup, Reply, Thread
from bot.relay.items import BoardReply, BoardThread, RelayRenderer
from bot.relay.keys import (
    ChannelPostKey,
    ChannelReplyKey,
    ChannelTarget,
    DmTarget,
    PersonDigest,
    RepliesDmKey,
    ReplyItem,
    SubscriptionDigest,
    ThreadItem,
)
from bot.relay.people import PortalPeople
from bot.relay.queued import outbox_message
from bot.relay.visibility import group_is_open, held_for_group, matches
from bot.relay.watch import Activity
from bot.thread_links import thread_url
from store.outbox import OutboxRepository
from store.preferences import PreferenceRepository
from store.relay_models import DigestItem, OutboxMessage, Subscription
from store.slack_replies import SlackReplyRepository
from store.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)

# Enough of an opening post for an excerpt of a few hundred characters once its HTML is
# read; digest items keep it, so not the whole body.
EXCERPT_SOURCE = 2000


@dataclass
class Plan:
    messages: list[OutboxMessage] = field(default_factory=list)
    digest_items: list[DigestItem] = field(default_factory=list)


class RelayPlanner:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        people: PortalPeople,
        directory: Directory,
        subscriptions: SubscriptionRepository,
        preferences: PreferenceRepository,
        outbox: OutboxRepository,
        renderer: RelayRenderer,
        thread_url_template: str | None,
        slack_replies: SlackReplyRepository | None = None,
        audiences: ChannelAudiences | None = None,
    ) -> None:
        # Paused subscriptions and channels get nothing; None: no Private group ever posted.
        self._audiences = audiences
        self._portal = portal
        self._people = people
        self._directory = directory
        self._subscriptions = subscriptions
        self._preferences = preferences
        self._outbox = outbox
        self._render = renderer
        self._thread_url_template = thread_url_template
        self._slack_replies = slack_replies

    def plan(self, activity: Activity, now: datetime) -> Plan:
        plan = Plan()
        if activity.empty:
            return plan
        subscriptions = self._subscriptions.all()
        if self._audiences is not None:
            subscriptions = self._audiences.postable(subscriptions)
        # Fresh access levels, one call, only when some channel could be concerned.
        groups = {g.id: g for g in self._portal.groups()} if subscriptions else {}
        fits: dict[int, list[Subscription]] = {}  # per Private group: the channels that fit it now
        for thread in activity.threads:
            audience = self._channel_audience(thread, subscriptions, groups, fits)
            planned = len(plan.messages)
            self._new_thread(self.board_thread(thread, groups), audience, plan, now)
            held_for_group(plan.messages, planned, thread, groups)
        by_thread: dict[int, list[Reply]] = defaultdict(list)
        for reply in activity.replies:
            by_thread[reply.community_thread_id].append(reply)
        for thread_id, replies in by_thread.items():
            thread = activity.reply_threads[thread_id]  # fresh: Private or group may have changed
            shown = self.board_thread(thread, groups)
            shown_replies = [self._board_reply(r) for r in replies]
            self._to_followers(thread, shown, replies, shown_replies, plan, now)
            audience = self._channel_audience(thread, subscriptions, groups, fits)
            planned = len(plan.messages)
            self._to_channels(thread.id, shown, shown_replies, audience, plan, now)
            held_for_group(plan.messages, planned, thread, groups)
        return plan

    def _new_thread(
        self, shown: BoardThread, audience: list[Subscription], plan: Plan, now: datetime
    ) -> None:
        for subscription in audience:
            if subscription.mode == "instant":
                key = ChannelPostKey(shown.id, subscription.channel_id)
                channel = ChannelTarget(subscription.channel_id)
                plan.messages.append(outbox_message(key, channel, self._render.channel_thread(shown), now))
            else:
                plan.digest_items.append(
                    DigestItem(
                        target=SubscriptionDigest(subscription.id).text(),
                        item_key=ThreadItem(shown.id).text(),
                        payload={"thread": shown.model_dump()},
                        created_at=now,
                    )
                )

    def _to_followers(
        self,
        thread: Thread,
        shown: BoardThread,
        replies: list[Reply],
        shown_replies: list[BoardReply],
        plan: Plan,
        now: datetime,
    ) -> None:
        muted = self._portal.muters(thread.id)
        told: set[str] = set()
        for follow in self._portal.followers(thread.id):
            if follow.user_id in muted:
                continue
            slack_id = self._people.person(follow.user_id).slack_user_id
            # Never your own reply.
            theirs = [s for r, s in zip(replies, shown_replies, strict=True) if r.user_id != follow.user_id]
            if slack_id is None or slack_id in told or not theirs:
                continue
            told.add(slack_id)
            choice = self._preferences.get(slack_id).replies
            if choice == "off":
                continue
            if thread.instant_delivery or choice == "instant":
                key = RepliesDmKey(thread.id, theirs[0].id, slack_id)
                dm = DmTarget(slack_id)
                plan.messages.append(outbox_message(key, dm, self._render.reply_dm(shown, theirs), now))
            else:
                plan.digest_items.extend(
                    DigestItem(
                        target=PersonDigest(slack_id).text(),
                        item_key=ReplyItem(r.id).text(),
                        payload={"thread": shown.model_dump(), "reply": r.model_dump()},
                        created_at=now,
                    )
                    for r in theirs
                )

    def _to_channels(
        self,
        thread_id: int,
        shown: BoardThread,
        replies: list[BoardReply],
        audience: list[Subscription],
        plan: Plan,
        now: datetime,
    ) -> None:
        # Replies members typed in a Slack thread, by the channel they typed them in.
        typed_in = self._slack_replies.channels_of(r.id for r in replies) if self._slack_replies else {}
        for subscription in audience:
            if subscription.mode == "digest":
                plan.digest_items.extend(
                    DigestItem(
                        target=SubscriptionDigest(subscription.id).text(),
                        item_key=ReplyItem(r.id).text(),
                        payload={"thread": shown.model_dump(), "reply": r.model_dump()},
                        created_at=now,
                    )
                    for r in replies
                )
                continue
            parent = ChannelPostKey(thread_id, subscription.channel_id)
            posted = parent.text()
            if self._outbox.get(posted) is None and all(m.key != posted for m in plan.messages):
                continue  # posted before this channel subscribed: nothing to thread under
            channel = ChannelTarget(subscription.channel_id)
            for reply in replies:
                if typed_in.get(reply.id) == subscription.channel_id:
                    continue  # typed in this channel's Slack thread: it is there already
                key = ChannelReplyKey(reply.id, subscription.channel_id)
                message = self._render.channel_reply(reply)
                plan.messages.append(outbox_message(key, channel, message, now, parent=parent))

    def _channel_audience(
        self,
        thread: Thread,
        subscriptions: list[Subscription],
        groups: dict[int, CommunityGroup],
        fits: dict[int, list[Subscription]],
    ) -> list[Subscription]:
        """The subscriptions a thread may be shown to: none at all when it is private. A
        Private group's thread goes only to subscriptions filtered to that very group whose
        channel fits it now (``confirm``): its every member is in the group, whatever the
        group's access was when the subscription was last reviewed."""
        if thread.private:
            return []
        group_id = thread.community_group_id
        if group_id is not None and not group_is_open(group_id, groups):
            if self._audiences is None or group_id not in groups:
                return []
            if group_id not in fits:
                mine = [s for s in subscriptions if s.group_id == group_id]
                fits[group_id] = self._audiences.confirm(mine, group_id) if mine else []
            return [s for s in fits[group_id] if matches(s, thread)]
        return [s for s in subscriptions if matches(s, thread)]

    def board_thread(self, thread: Thread, groups: dict[int, CommunityGroup]) -> BoardThread:
        location = self._directory.location(thread.business_id)
        group_id = thread.community_group_id
        group = (groups.get(group_id) or self._directory.group(group_id)) if group_id else None
        return BoardThread(
            id=thread.id,
            subject=thread.subject,
            location=location.name if location else f"Location {thread.business_id}",
            group=group.name if group else None,
            group_id=group_id,
            author=self._people.name(thread.user_id),
            url=thread_url(self._thread_url_template, thread.id),
            message=thread.message[:EXCERPT_SOURCE],
        )

    def _board_reply(self, reply: Reply) -> BoardReply:
        return BoardReply(
            id=reply.id,
            thread_id=reply.community_thread_id,
            author=self._people.name(reply.user_id),
            text=reply.message,
        )
