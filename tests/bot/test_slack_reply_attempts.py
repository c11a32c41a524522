"""One attempt at a Slack reply when things go wrong: two bot processes on one database file
whose attempts overlap (the other process runs inside a slow call of the first, so the
interleaving is exact), Slack failing the member lookup, Nexudus refusing the bot's login,
and a reply deleted in Slack before it reached the board."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import Mock, create_autospec

from bot.admin_alerts import AdminAlerts
from bot.identity import IdentityService
from bot.nexudus_login import NEXUDUS_LOGIN_ALERT, NexudusLogin
from bot.portal import PortalAuthError, PortalUnavailable
from bot.portal.models import NewReply, Reply
from bot.two_way.outcomes import ReplyDeleted, ReplyIgnored, ReplyPosted, ReplyRefused, SlackMessage
from bot.two_way.replies import SlackReplies
from store import Store
from store.slack_replies import STALE_CLAIM
from tests.bot.test_slack_replies import (
    CHANNEL,
    JANE,
    JANE_USER,
    NOW,
    PARENT,
    THREAD,
    TS,
    Clock,
    jane,
    portal_mock,
)
from tests.conftest import slack_refusal

LATER = STALE_CLAIM + timedelta(seconds=1)


def identities_mock() -> Mock:
    identities: Mock = create_autospec(IdentityService, instance=True, spec_set=True)
    identities.resolve.return_value = jane()
    return identities


def process(store: Store, portal: Mock, clock: Clock, identities: Mock, **more: Any) -> SlackReplies:
    """What one bot process holds: its own connection to the shared file."""
    return SlackReplies(
        outbox=store.outbox,
        replies=store.slack_replies,
        identities=identities,
        portal=portal,
        name_of=str,
        clock=clock,
        **more,
    )


def on_board(reply_id: int) -> Reply:
    return Reply(id=reply_id, community_thread_id=THREAD, user_id=JANE_USER, message="<p>x</p>")


def test_a_claim_taken_over_during_a_slow_lookup_is_not_posted_again(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal, slow, quick = Clock(), portal_mock(), identities_mock(), identities_mock()
    other = process(second, portal, clock, quick)
    resumed: list[object] = []

    def lookup_outlasting_the_claim(user: str) -> object:
        clock.now = NOW + LATER  # Slack's users.info retried for minutes
        resumed.extend(outcome for _, outcome in other.resume_stuck())
        return jane()

    slow.resolve.side_effect = lookup_outlasting_the_claim
    outcome = process(first, portal, clock, slow).post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert (outcome, resumed) == (ReplyIgnored(), [ReplyPosted(777)])
    assert portal.create_reply.call_count == 1
    assert first.slack_replies.get(CHANNEL, TS).reply_id == 777  # type: ignore[union-attr]


def test_a_create_outlasting_its_claim_does_not_overwrite_the_taker_and_its_duplicate_goes(
    stores: tuple[Store, Store],
) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())
    made: list[int] = []

    def slow_create(body: NewReply) -> int:
        made.append(reply_id := 777 + len(made))
        if reply_id == 777:  # the first process's create: the second looks before it lands
            clock.now = NOW + LATER
            assert [outcome for _, outcome in other.resume_stuck()] == [ReplyPosted(778)]
        return reply_id

    portal.create_reply.side_effect = slow_create
    outcome = process(first, portal, clock, identities_mock()).post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert outcome == ReplyIgnored()
    assert first.slack_replies.get(CHANNEL, TS).reply_id == 778  # type: ignore[union-attr]
    portal.delete_reply.assert_called_once_with(777)


def test_a_taker_that_finds_the_slow_create_records_it_once(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())

    def create_answered_late(body: NewReply) -> int:
        portal.replies_by.return_value = [on_board(777)]  # made, but the answer is slow
        clock.now = NOW + LATER
        assert [outcome for _, outcome in other.resume_stuck()] == [ReplyPosted(777)]
        return 777

    portal.create_reply.side_effect = create_answered_late
    outcome = process(first, portal, clock, identities_mock()).post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert outcome == ReplyIgnored()
    assert first.slack_replies.get(CHANNEL, TS).reply_id == 777  # type: ignore[union-attr]
    assert portal.create_reply.call_count == 1
    portal.delete_reply.assert_not_called()


def test_a_slow_create_is_recorded_when_the_taker_failed(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())

    def create_answered_late(body: NewReply) -> int:
        portal.replies_by.side_effect = PortalUnavailable("503")  # the taker cannot look
        clock.now = NOW + LATER
        [(_, taker)] = other.resume_stuck()
        assert isinstance(taker, ReplyRefused)
        return 777

    portal.create_reply.side_effect = create_answered_late
    outcome = process(first, portal, clock, identities_mock()).post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert outcome == ReplyPosted(777)
    kept = first.slack_replies.get(CHANNEL, TS)
    assert kept is not None and (kept.state, kept.reply_id) == ("posted", 777)


def test_slack_failing_the_lookup_keeps_the_reply_for_retry(stores: tuple[Store, Store]) -> None:
    first, _ = stores
    clock, portal, identities = Clock(), portal_mock(), identities_mock()
    identities.resolve.side_effect = [slack_refusal("ratelimited"), jane()]
    replies = process(first, portal, clock, identities)

    refused = replies.post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert isinstance(refused, ReplyRefused) and "Retry" in refused.reason
    assert first.slack_replies.get(CHANNEL, TS).state == "failed"  # type: ignore[union-attr]
    assert replies.retry(SlackMessage(CHANNEL, TS), presser=JANE) == ReplyPosted(777)


def test_resume_goes_on_past_a_reply_whose_lookup_slack_failed(stores: tuple[Store, Store]) -> None:
    first, _ = stores
    clock, portal, identities = Clock(), portal_mock(), identities_mock()
    for ts in ("1.1", "1.2"):
        first.slack_replies.claim(
            channel=CHANNEL, ts=ts, slack_user_id=JANE, thread_id=THREAD, text=ts, now=NOW
        )
    identities.resolve.side_effect = [slack_refusal("fatal_error"), jane()]
    clock.now = NOW + LATER

    resumed = process(first, portal, clock, identities).resume_stuck()

    assert [(r.ts, type(outcome)) for r, outcome in resumed] == [("1.1", ReplyRefused), ("1.2", ReplyPosted)]
    assert [first.slack_replies.get(CHANNEL, ts).state for ts in ("1.1", "1.2")] == ["failed", "posted"]  # type: ignore[union-attr]


def test_a_refused_login_tells_admins_once_and_a_working_call_clears_it(stores: tuple[Store, Store]) -> None:
    first, _ = stores
    clock, portal = Clock(), portal_mock()
    login = NexudusLogin(AdminAlerts(first.alerts, ["UADMIN"], clock=clock))
    replies = process(first, portal, clock, identities_mock(), login=login)
    portal.create_reply.side_effect = PortalAuthError("invalid_grant")

    refused = replies.post_reply(CHANNEL, TS, PARENT, JANE, "x")
    refused_again = replies.retry(SlackMessage(CHANNEL, TS), presser=JANE)
    raised = first.alerts.get(NEXUDUS_LOGIN_ALERT)
    portal.create_reply.side_effect = None
    posted = replies.retry(SlackMessage(CHANNEL, TS), presser=JANE)

    assert isinstance(refused, ReplyRefused) and isinstance(refused_again, ReplyRefused)
    assert raised is not None and raised.raised
    assert posted == ReplyPosted(777)
    assert login.refusal() is None


def test_a_failed_reply_deleted_in_slack_is_never_posted_by_its_retry(stores: tuple[Store, Store]) -> None:
    first, _ = stores
    clock, portal = Clock(), portal_mock()
    replies = process(first, portal, clock, identities_mock())
    portal.create_reply.side_effect = PortalUnavailable("503")
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "x")
    portal.create_reply.side_effect = None

    assert replies.delete_reply(CHANNEL, TS) == ReplyIgnored()
    assert replies.retry(SlackMessage(CHANNEL, TS), presser=JANE) == ReplyDeleted()
    assert portal.create_reply.call_count == 1
    portal.delete_reply.assert_not_called()


def test_a_reply_deleted_while_a_late_create_ran_is_taken_off_the_board(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())

    def create_answered_late(body: NewReply) -> int:
        portal.replies_by.side_effect = PortalUnavailable("503")
        clock.now = NOW + LATER
        other.resume_stuck()  # fails, so the member's Retry is live; then they delete it
        assert other.delete_reply(CHANNEL, TS) == ReplyIgnored()
        return 777

    portal.create_reply.side_effect = create_answered_late
    outcome = process(first, portal, clock, identities_mock()).post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert outcome == ReplyIgnored()
    assert first.slack_replies.get(CHANNEL, TS).state == "deleted"  # type: ignore[union-attr]
    portal.delete_reply.assert_called_once_with(777)
