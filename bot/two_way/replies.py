"""A member's reply in a Slack thread under the relay's channel post or reply DM, posted to
that portal thread as the member; their edits and deletions within a day follow it.

Exactly once: the Slack message's (channel, ts) is claimed in SQLite before Nexudus is
called (``store.slack_replies``), so Slack's retries, duplicate events and a second bot
process post it at most once. Every later attempt (Retry, or taking over a claim a dead
process left) first looks on the thread for the member's reply with that body; one attempt
is ``bot.two_way.attempt``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from bot.clock import Clock, utc_now
from bot.identity import IdentityService
from bot.nexudus_login import NexudusLogin
from bot.portal import NexudusClient, PortalAuthError, PortalError
from bot.refusals import reply_refusal_reason
from bot.relay.keys import ChannelPostKey, RepliesDmKey, parse_outbox_key
from bot.two_way.attempt import ReplyAttempts, reply_body
from bot.two_way.outcomes import (
    NotYourReply,
    ReplyDeleted,
    ReplyIgnored,
    ReplyNotLinked,
    ReplyOutcome,
    ReplyPosted,
    ReplyRefused,
    SlackMessage,
)
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
        login: NexudusLogin | None = None,
    ) -> None:
        self._outbox = outbox
        self._replies = replies
        self._identities = identities
        self._portal = portal
        self._name_of = name_of
        self._clock = clock
        self._login = login
        self._attempts = ReplyAttempts(
            replies=replies, identities=identities, portal=portal, name_of=name_of, clock=clock, login=login
        )

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
            return self._attempts.attempt(channel, ts, now, look_first=False)
        # Already known: a duplicate, or Slack retrying an event whose process died mid-post.
        # take_over succeeds on a "posting" row only once its claim is stale.
        known = self._replies.get(channel, ts)
        taken = self._replies.take_over(channel, ts, now) if known and known.state == "posting" else None
        if taken is None:
            return ReplyIgnored()
        return self._attempts.attempt(channel, ts, taken.updated_at, look_first=True)

    def retry(self, message: SlackMessage, presser: str) -> ReplyOutcome:
        """The member's Retry: post the kept text, unless it reached the board meanwhile."""
        known = self._replies.get(message.channel, message.ts)
        if known is None:
            return ReplyIgnored()
        if known.slack_user_id != presser:
            return NotYourReply(known.slack_user_id)
        if known.state == "posted" and known.reply_id is not None:
            return ReplyPosted(known.reply_id)
        if known.state == "deleted":
            return ReplyDeleted()
        taken = self._replies.take_over(message.channel, message.ts, self._clock())
        if taken is None:
            return ReplyIgnored()  # another attempt is running
        return self._attempts.attempt(message.channel, message.ts, taken.updated_at, look_first=True)

    def resume_stuck(self) -> list[tuple[SlackReply, ReplyOutcome]]:
        """Post the replies a dead process left "posting", looking for each on its thread first.
        A failure is kept on its row (logged, Retry offered) and the others still go."""
        done: list[tuple[SlackReply, ReplyOutcome]] = []
        for stuck in self._replies.stuck(self._clock()):
            taken = self._replies.take_over(stuck.channel, stuck.ts, self._clock())
            if taken is None:
                continue  # another process took it first
            outcome = self._attempts.attempt(stuck.channel, stuck.ts, taken.updated_at, look_first=True)
            done.append((stuck, outcome))
        return done

    def edit_reply(self, channel: str, ts: str, slack_user: str, text: str) -> ReplyOutcome:
        """The member edited their Slack reply: edit the portal reply (within a day)."""
        known = self._replies.get(channel, ts)
        if known is None or known.slack_user_id != slack_user or known.text == text:
            return ReplyIgnored()  # not ours, or Slack's message_changed for an unfurl
        if known.state in ("posting", "failed"):
            if self._replies.revise(channel, ts, text):
                # Retry posts what they meant; a running attempt carries the edit to the board.
                return ReplyIgnored()
            known = self._replies.get(channel, ts)  # recorded as posted meanwhile
        if known is None or known.state != "posted" or known.reply_id is None:
            return ReplyIgnored()
        if self._clock() - known.created_at > EDIT_WINDOW:
            return ReplyIgnored()
        try:
            member = self._identities.resolve(slack_user)
            if member.portal_user_id is None:
                return ReplyNotLinked(member.email)
            self._portal.update_reply(
                reply_body(known.thread_id, member, text, self._name_of, reply_id=known.reply_id)
            )
        except PortalError as error:
            return self._refused(error)
        self._replies.set_text(channel, ts, text)
        return ReplyPosted(known.reply_id)

    def delete_reply(self, channel: str, ts: str) -> ReplyOutcome:
        """The member deleted their Slack reply: delete the portal reply (within a day)."""
        now = self._clock()
        # Not on the board yet: its Retry must not post what the member took back, and an
        # attempt still posting it finds its claim gone and takes its reply off the board.
        if self._replies.withdraw(channel, ts, now):
            return ReplyIgnored()
        known = self._replies.get(channel, ts)
        if known is None or known.state != "posted" or known.reply_id is None:
            return ReplyIgnored()
        if now - known.created_at > EDIT_WINDOW:
            return ReplyIgnored()
        try:
            self._portal.delete_reply(known.reply_id)  # already gone counts as done
        except PortalError as error:
            return self._refused(error)
        self._replies.mark_deleted(channel, ts, now)
        return ReplyPosted(known.reply_id)

    def _refused(self, error: PortalError) -> ReplyRefused:
        if isinstance(error, PortalAuthError) and self._login is not None:
            self._login.refused(error)
        return ReplyRefused(reply_refusal_reason(error))
