"""A member's reply in a Slack thread under the relay's channel post or reply DM, posted to
that portal thread as the member; their edits and deletions within a day follow it.

Exactly once: the Slack message's (channel, ts) is claimed in SQLite before Nexudus is
called (``store.slack_replies``), so Slack's retries, duplicate events and a second bot
process post it at most once. Every later attempt (Retry, or taking over a claim a dead
process left) first looks on the thread for the member's reply with that body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from bot.clock import Clock, utc_now
from bot.identity import IdentityService
from bot.portal import NexudusClient, PortalError
from bot.portal.models import NewReply
from bot.refusals import reply_refusal_reason
from bot.relay.keys import ChannelPostKey, RepliesDmKey, parse_outbox_key
from bot.two_way.outcomes import (
    NotYourReply,
    ReplyIgnored,
    ReplyNotLinked,
    ReplyOutcome,
    ReplyPosted,
    ReplyRefused,
    SlackMessage,
)
from bot.two_way.sent_replies import find_sent_reply
from bot.two_way.slack_text import portal_body
from store.models import Identity
from store.outbox import OutboxRepository
from store.slack_replies import SlackReply, SlackReplyRepository

log = logging.getLogger(__name__)

# How long after posting a member's Slack edits and deletions still reach the portal.
EDIT_WINDOW = timedelta(hours=24)


class SlackReplies:
    def __init__(
        self,
        *,
        outbox: OutboxRepository,
        replies: SlackReplyRepository,
        identities: IdentityService,
        portal: NexudusClient,
        name_of: Callable[[str], str],
        clock: Clock = utc_now,
    ) -> None:
        self._outbox = outbox
        self._replies = replies
        self._identities = identities
        self._portal = portal
        self._name_of = name_of
        self._clock = clock

    def thread_for(self, channel: str, thread_ts: str) -> int | None:
        """The portal thread a Slack thread mirrors: the relay put its parent there."""
        for message in self._outbox.sent_at(channel, thread_ts):
            try:
                key = parse_outbox_key(message.key)
            except ValueError:
                continue  # a kind of message no reply maps to
            if isinstance(key, ChannelPostKey | RepliesDmKey):
                return key.thread_id
        return None

    def post_reply(self, channel: str, ts: str, thread_ts: str, slack_user: str, text: str) -> ReplyOutcome:
        thread_id = self.thread_for(channel, thread_ts)
        if thread_id is None:
            return ReplyIgnored()
        now = self._clock()
        claimed = self._replies.claim(
            channel=channel, ts=ts, slack_user_id=slack_user, thread_id=thread_id, text=text, now=now
        )
        if claimed:
            return self._attempt(SlackMessage(channel, ts), look_first=False)
        # Already known: a duplicate, or Slack retrying an event whose process died mid-post.
        # take_over succeeds on a "posting" row only once its claim is stale.
        known = self._replies.get(channel, ts)
        if known is None or known.state != "posting" or not self._replies.take_over(channel, ts, now):
            return ReplyIgnored()
        return self._attempt(SlackMessage(channel, ts), look_first=True)

    def retry(self, message: SlackMessage, presser: str) -> ReplyOutcome:
        """The member's Retry: post the kept text, unless it reached the board meanwhile."""
        known = self._replies.get(message.channel, message.ts)
        if known is None:
            return ReplyIgnored()
        if known.slack_user_id != presser:
            return NotYourReply(known.slack_user_id)
        if known.state == "posted" and known.reply_id is not None:
            return ReplyPosted(known.reply_id)
        if self._replies.take_over(message.channel, message.ts, self._clock()) is None:
            return ReplyIgnored()  # another attempt is running, or it was deleted
        return self._attempt(message, look_first=True)

    def resume_stuck(self) -> list[tuple[SlackReply, ReplyOutcome]]:
        """Post the replies a dead process left "posting", looking for each on its thread first."""
        done: list[tuple[SlackReply, ReplyOutcome]] = []
        for stuck in self._replies.stuck(self._clock()):
            if self._replies.take_over(stuck.channel, stuck.ts, self._clock()) is not None:
                done.append((stuck, self._attempt(SlackMessage(stuck.channel, stuck.ts), look_first=True)))
        return done

    def edit_reply(self, channel: str, ts: str, slack_user: str, text: str) -> ReplyOutcome:
        """The member edited their Slack reply: edit the portal reply (within a day)."""
        known = self._replies.get(channel, ts)
        now = self._clock()
        if known is None or known.slack_user_id != slack_user or known.text == text:
            return ReplyIgnored()  # not ours, or Slack's message_changed for an unfurl
        if known.state == "failed":
            self._replies.set_text(channel, ts, text, now)  # Retry posts what they meant
            return ReplyIgnored()
        if known.state != "posted" or known.reply_id is None or now - known.created_at > EDIT_WINDOW:
            return ReplyIgnored()
        try:
            member = self._identities.resolve(slack_user)
            if member.portal_user_id is None:
                return ReplyNotLinked(member.email)
            self._portal.update_reply(self._body(known.thread_id, member, text, reply_id=known.reply_id))
        except PortalError as error:
            return ReplyRefused(reply_refusal_reason(error))
        self._replies.set_text(channel, ts, text, now)
        return ReplyPosted(known.reply_id)

    def delete_reply(self, channel: str, ts: str) -> ReplyOutcome:
        """The member deleted their Slack reply: delete the portal reply (within a day)."""
        known = self._replies.get(channel, ts)
        now = self._clock()
        if known is None or known.state != "posted" or known.reply_id is None:
            return ReplyIgnored()
        if now - known.created_at > EDIT_WINDOW:
            return ReplyIgnored()
        try:
            self._portal.delete_reply(known.reply_id)  # already gone counts as done
        except PortalError as error:
            return ReplyRefused(reply_refusal_reason(error))
        self._replies.mark_deleted(channel, ts, now)
        return ReplyPosted(known.reply_id)

    def _attempt(self, message: SlackMessage, *, look_first: bool) -> ReplyOutcome:
        """One attempt at a reply this process has claimed ("posting")."""
        channel, ts = message.channel, message.ts
        known = self._replies.get(channel, ts)
        assert known is not None and known.state == "posting"
        try:
            member = self._identities.resolve(known.slack_user_id)
            if member.portal_user_id is None:
                self._replies.mark_failed(channel, ts, "not linked to a portal account", self._clock())
                return ReplyNotLinked(member.email)
            body = self._body(known.thread_id, member, known.text)
            found = self._find_sent(known, body) if look_first else None
            reply_id = found if found is not None else self._portal.create_reply(body)
        except PortalError as error:
            reason = reply_refusal_reason(error)
            log.info("reply %s in %s not posted: %s", ts, channel, error)
            self._replies.mark_failed(channel, ts, reason, self._clock())
            return ReplyRefused(reason)
        self._replies.mark_posted(channel, ts, reply_id, self._clock())
        return ReplyPosted(reply_id)

    def _find_sent(self, known: SlackReply, body: NewReply) -> int | None:
        rows = self._portal.replies_by(body.community_thread_id, body.user_id)
        return find_sent_reply(
            rows, body, since=known.created_at, now=self._clock(), taken=self._replies.recorded_reply_ids
        )

    def _body(self, thread_id: int, member: Identity, text: str, *, reply_id: int | None = None) -> NewReply:
        assert member.portal_user_id is not None
        return NewReply(
            id=reply_id,
            community_thread_id=thread_id,
            user_id=member.portal_user_id,
            coworker_id=member.coworker_id,
            message=portal_body(text, self._name_of),
        )
