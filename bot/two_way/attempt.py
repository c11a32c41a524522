"""One attempt at posting a Slack reply this process has claimed: who the member is, a look on
the thread when an earlier attempt may have posted it, the create, and what happened recorded
only while the claim is still this attempt's (``store.slack_replies``).

The claim is renewed before each slow call, so it goes stale only if this process stops for
longer than ``STALE_CLAIM``. If it did and another attempt took over, this one does not
overwrite what that one recorded: a reply it made is recorded if the row has none yet, and
deleted from the board if the row already has another (the other attempt looked before this
one's create landed). The member's Slack message deleted meanwhile takes it off the board
too; an edit made meanwhile is carried to it before it is recorded as posted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.identity import IdentityService
from bot.nexudus_login import NexudusLogin
from bot.portal import NexudusClient, PortalAuthError, PortalError
from bot.portal.models import NewReply
from bot.refusals import reply_refusal_reason
from bot.two_way.outcomes import ReplyIgnored, ReplyNotLinked, ReplyOutcome, ReplyPosted, ReplyRefused
from bot.two_way.sent_replies import find_sent_reply
from bot.two_way.slack_text import portal_body
from store.models import Identity
from store.slack_replies import SlackReply, SlackReplyRepository

log = logging.getLogger(__name__)

NOT_LINKED = "not linked to a portal account"


def slack_lookup_reason(error: SlackApiError) -> str:
    """Why a reply waits when Slack failed us (``users.info`` while finding who wrote it)."""
    said = error.response.get("error")
    return f"Slack did not answer when the bot looked you up ({said}); press Retry in a minute."


def reply_body(
    thread_id: int, member: Identity, text: str, name_of: Callable[[str], str], *, reply_id: int | None = None
) -> NewReply:
    assert member.portal_user_id is not None
    return NewReply(
        id=reply_id,
        community_thread_id=thread_id,
        user_id=member.portal_user_id,
        coworker_id=member.coworker_id,
        message=portal_body(text, name_of),
    )


@dataclass
class _Claim:
    """This attempt's hold on a "posting" row: its ``updated_at``, moved on at each renewal."""

    reply: SlackReply
    held: datetime


class ReplyAttempts:
    def __init__(
        self,
        *,
        replies: SlackReplyRepository,
        identities: IdentityService,
        portal: NexudusClient,
        name_of: Callable[[str], str],
        clock: Clock,
        login: NexudusLogin | None = None,
    ) -> None:
        self._replies = replies
        self._identities = identities
        self._portal = portal
        self._name_of = name_of
        self._clock = clock
        self._login = login  # told when Nexudus refuses the bot, and when a call works again

    def attempt(self, channel: str, ts: str, held: datetime, *, look_first: bool) -> ReplyOutcome:
        """Post the reply claimed at ``held``; ``look_first`` when an earlier attempt may have."""
        known = self._replies.get(channel, ts)
        if known is None or known.state != "posting" or known.updated_at != held:
            return ReplyIgnored()  # the claim went to another attempt already
        claim = _Claim(known, held)
        try:
            return self._post(claim, look_first=look_first)
        except SlackApiError as error:
            # users.info failing inside the identity lookup: nothing reached Nexudus.
            log.warning(
                "reply %s in %s not posted: Slack answered %s", ts, channel, error.response.get("error")
            )
            reason = slack_lookup_reason(error)
            return self._failed(claim, reason, ReplyRefused(reason))
        except PortalError as error:
            if isinstance(error, PortalAuthError) and self._login is not None:
                self._login.refused(error)
            log.warning("reply %s in %s not posted: %s", ts, channel, error)
            reason = reply_refusal_reason(error)
            return self._failed(claim, reason, ReplyRefused(reason))

    def _post(self, claim: _Claim, *, look_first: bool) -> ReplyOutcome:
        known = claim.reply
        member = self._identities.resolve(known.slack_user_id)
        if member.portal_user_id is None:
            return self._failed(claim, NOT_LINKED, ReplyNotLinked(member.email))
        body = reply_body(known.thread_id, member, known.text, self._name_of)
        found: int | None = None
        if look_first:
            if not self._renewed(claim):
                return ReplyIgnored()
            found = self._find_sent(known, body)
        if found is None:
            if not self._renewed(claim):  # just before the create: it gets a whole STALE_CLAIM
                return ReplyIgnored()
            reply_id = self._portal.create_reply(body)
        else:
            reply_id = found
        if self._login is not None:
            self._login.works()
        return self._record(claim, member, reply_id, created=found is None)

    def _record(self, claim: _Claim, member: Identity, reply_id: int, *, created: bool) -> ReplyOutcome:
        """Mark ``reply_id`` posted, first carrying to the board any edit the member made while
        it was being posted (``edit_reply`` only keeps the text of a reply not yet posted)."""
        known = claim.reply
        shown: str | None = known.text  # what the board shows; None once an edit failed to land
        while not self._replies.mark_posted(
            known.channel, known.ts, reply_id, self._clock(), held=claim.held, text=shown
        ):
            current = self._replies.get(known.channel, known.ts)
            if current is None or current.state != "posting" or current.updated_at != claim.held:
                return self._lost(known, reply_id, created=created)  # taken over, or deleted
            if not self._renewed(claim):
                return self._lost(known, reply_id, created=created)
            shown = current.text if self._edited(known, member, reply_id, current.text) else None
        return ReplyPosted(reply_id)

    def _edited(self, known: SlackReply, member: Identity, reply_id: int, text: str) -> bool:
        try:
            self._portal.update_reply(
                reply_body(known.thread_id, member, text, self._name_of, reply_id=reply_id)
            )
        except PortalError as error:
            # The reply is on the board all the same: it is recorded as posted (with the edit
            # unapplied, logged) rather than failed, so no Retry posts it a second time.
            log.warning(
                "reply %s in %s: an edit made while posting failed: %s", known.ts, known.channel, error
            )
            return False
        return True

    def _renewed(self, claim: _Claim) -> bool:
        now = self._clock()
        if not self._replies.renew(claim.reply.channel, claim.reply.ts, claim.held, now):
            log.info("reply %s in %s: another attempt took it over", claim.reply.ts, claim.reply.channel)
            return False
        claim.held = now
        return True

    def _failed(self, claim: _Claim, reason: str, outcome: ReplyOutcome) -> ReplyOutcome:
        channel, ts = claim.reply.channel, claim.reply.ts
        if self._replies.mark_failed(channel, ts, reason, self._clock(), held=claim.held):
            return outcome
        return ReplyIgnored()  # the attempt that took over tells the member

    def _lost(self, known: SlackReply, reply_id: int, *, created: bool) -> ReplyOutcome:
        """The claim was taken over while this attempt posted ``reply_id``."""
        if self._replies.adopt(known.channel, known.ts, reply_id, self._clock()):
            return ReplyPosted(reply_id)
        current = self._replies.get(known.channel, known.ts)
        deleted = current is not None and current.state == "deleted" and current.reply_id is None
        if not (created or deleted) or (current is not None and current.reply_id == reply_id):
            return ReplyIgnored()  # the other attempt recorded this very reply
        # The member deleted theirs before it was recorded, or the row has another reply: this
        # one is extra. A reply found (not created) is only taken off for a deletion: it is then
        # the one an earlier attempt made for this message.
        log.warning(
            "reply %s in %s: deleting %s, which is not wanted on the board", known.ts, known.channel, reply_id
        )
        try:
            self._portal.delete_reply(reply_id)
        except PortalError as error:
            log.error(
                "reply %s in %s: duplicate %s left on the board: %s", known.ts, known.channel, reply_id, error
            )
        return ReplyIgnored()

    def _find_sent(self, known: SlackReply, body: NewReply) -> int | None:
        rows = self._portal.replies_by(body.community_thread_id, body.user_id)
        return find_sent_reply(
            rows, body, since=known.created_at, now=self._clock(), taken=self._replies.recorded_reply_ids
        )
