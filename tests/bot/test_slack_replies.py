"""SlackReplies' rules without servers: a mocked portal and identities, a real SQLite store
(two connections to one file where two processes are meant)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import Mock, create_autospec

import pytest

from bot.identity import IdentityService
from bot.portal import NexudusClient, PortalNotFound, PortalRejected, PortalUnavailable
from bot.portal.errors import FieldError
from bot.portal.models import NewReply, Reply
from bot.relay.keys import ChannelPostKey, RepliesDmKey
from bot.two_way.outcomes import (
    NotYourReply,
    ReplyIgnored,
    ReplyNotLinked,
    ReplyPosted,
    ReplyRefused,
    SlackMessage,
)
from bot.two_way.replies import SlackReplies
from bot.two_way.slack_text import portal_body
from store import Store
from store.models import Identity
from store.relay_models import OutboxMessage
from store.slack_replies import STALE_CLAIM

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CHANNEL, PARENT, TS = "CBOARD", "1700000000.000100", "1700000001.000200"
THREAD, JANE, JANE_USER, JANE_COWORKER = 98700001, "UJANE", 3400077, 5600123


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def jane(linked: bool = True) -> Identity:
    return Identity(
        slack_user_id=JANE,
        state="linked" if linked else "missing",
        source="email",
        portal_user_id=JANE_USER if linked else None,
        coworker_id=JANE_COWORKER if linked else None,
        email="jane@example.com",
        checked_at=NOW,
    )


def relayed(store: Store, key: str, channel: str = CHANNEL, ts: str = PARENT) -> None:
    """A message the relay sent, which Slack put at (channel, ts)."""
    store.outbox.add([OutboxMessage(key=key, target=channel, text="t", blocks=[], created_at=NOW)])
    store.outbox.mark_sent(key, channel, ts, NOW)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "bot.db")
    relayed(opened, ChannelPostKey(THREAD, CHANNEL).text())
    yield opened
    opened.close()


def portal_mock() -> Mock:
    """Nexudus making every reply 777, with none found by their author yet."""
    client: Mock = create_autospec(NexudusClient, instance=True, spec_set=True)
    client.create_reply.return_value = 777
    client.replies_by.return_value = []
    return client


@pytest.fixture
def portal() -> Mock:
    return portal_mock()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def replies_on(store: Store, portal: Mock, clock: Clock, *, linked: bool = True) -> SlackReplies:
    identities = create_autospec(IdentityService, instance=True, spec_set=True)
    identities.resolve.return_value = jane(linked)
    return SlackReplies(
        outbox=store.outbox,
        replies=store.slack_replies,
        identities=identities,
        portal=portal,
        name_of=lambda user: {"UOMAR": "Omar Haddad"}.get(user, user),
        clock=clock,
    )


@pytest.fixture
def replies(store: Store, portal: Mock, clock: Clock) -> SlackReplies:
    return replies_on(store, portal, clock)


def test_a_reply_under_a_relayed_post_is_posted_as_the_member(replies: SlackReplies, portal: Mock) -> None:
    outcome = replies.post_reply(CHANNEL, TS, PARENT, JANE, "Hi <@UOMAR>")

    assert outcome == ReplyPosted(777)
    portal.create_reply.assert_called_once_with(
        NewReply(
            community_thread_id=THREAD,
            user_id=JANE_USER,
            coworker_id=JANE_COWORKER,
            message="<p>Hi @Omar Haddad</p>",
        )
    )


def test_a_reply_under_a_reply_dm_maps_to_its_thread(
    store: Store, replies: SlackReplies, portal: Mock
) -> None:
    relayed(store, RepliesDmKey(42, 43, JANE).text(), channel="DUJANE", ts="1700000005.000001")

    assert replies.thread_for("DUJANE", "1700000005.000001") == 42


@pytest.mark.parametrize(
    ("channel", "thread_ts"),
    [
        ("CBOARD", "1.000001"),  # a Slack thread the relay did not start
        ("COTHER", PARENT),  # the same ts in another channel is another message
    ],
)
def test_threads_we_did_not_start_are_ignored(
    replies: SlackReplies, portal: Mock, channel: str, thread_ts: str
) -> None:
    assert replies.post_reply(channel, TS, thread_ts, JANE, "hello") == ReplyIgnored()
    portal.create_reply.assert_not_called()


def test_the_same_message_twice_posts_once(replies: SlackReplies, portal: Mock) -> None:
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Once")

    assert replies.post_reply(CHANNEL, TS, PARENT, JANE, "Once") == ReplyIgnored()
    assert portal.create_reply.call_count == 1


def test_two_processes_on_one_database_post_once(
    stores: tuple[Store, Store], portal: Mock, clock: Clock
) -> None:
    one, other = (replies_on(store, portal, clock) for store in stores)

    outcomes = [
        one.post_reply(CHANNEL, TS, PARENT, JANE, "x"),
        other.post_reply(CHANNEL, TS, PARENT, JANE, "x"),
    ]

    assert outcomes == [ReplyPosted(777), ReplyIgnored()]
    assert portal.create_reply.call_count == 1


def test_a_claim_left_by_a_dead_process_is_taken_over_and_finds_the_reply_it_made(
    store: Store, replies: SlackReplies, portal: Mock, clock: Clock
) -> None:
    store.slack_replies.claim(
        channel=CHANNEL, ts=TS, slack_user_id=JANE, thread_id=THREAD, text="Made it", now=NOW
    )
    portal.replies_by.return_value = [
        Reply(
            id=555,
            community_thread_id=THREAD,
            user_id=JANE_USER,
            message="<p>Made it</p>",
            created_on="2026-11-26T12:00:01Z",
        )
    ]

    assert replies.post_reply(CHANNEL, TS, PARENT, JANE, "Made it") == ReplyIgnored()  # still fresh
    clock.now = NOW + STALE_CLAIM + timedelta(seconds=1)
    outcome = replies.post_reply(CHANNEL, TS, PARENT, JANE, "Made it")  # Slack's retry, minutes later

    assert outcome == ReplyPosted(555)
    portal.create_reply.assert_not_called()


def test_a_lost_reply_is_not_confused_with_one_another_message_became(
    store: Store, replies: SlackReplies, portal: Mock, clock: Clock
) -> None:
    # The member said "+1" twice: the first one's reply is recorded, so the second posts its own.
    store.slack_replies.claim(
        channel=CHANNEL, ts="1.1", slack_user_id=JANE, thread_id=THREAD, text="+1", now=NOW
    )
    store.slack_replies.mark_posted(CHANNEL, "1.1", 555, NOW, held=NOW)
    store.slack_replies.claim(
        channel=CHANNEL, ts=TS, slack_user_id=JANE, thread_id=THREAD, text="+1", now=NOW
    )
    portal.replies_by.return_value = [
        Reply(id=555, community_thread_id=THREAD, user_id=JANE_USER, message="<p>+1</p>", created_on=None)
    ]
    clock.now = NOW + STALE_CLAIM + timedelta(seconds=1)

    assert replies.post_reply(CHANNEL, TS, PARENT, JANE, "+1") == ReplyPosted(777)


def test_unlinked_member_gets_nothing_posted(store: Store, portal: Mock, clock: Clock) -> None:
    outcome = replies_on(store, portal, clock, linked=False).post_reply(CHANNEL, TS, PARENT, JANE, "hi")

    assert outcome == ReplyNotLinked("jane@example.com")
    portal.create_reply.assert_not_called()


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (PortalNotFound("POST: Access Denied."), "deleted"),
        (
            PortalRejected("bad", [FieldError("Message", "is a required field")]),
            "Message: is a required field",
        ),
        (PortalUnavailable("503"), "not answering"),
        (PortalUnavailable("timeout", maybe_applied=True), "may have been posted"),
    ],
)
def test_a_refusal_is_kept_and_retry_posts_the_kept_text_once_fixed(
    store: Store, replies: SlackReplies, portal: Mock, error: Exception, says: str
) -> None:
    portal.create_reply.side_effect = error

    refused = replies.post_reply(CHANNEL, TS, PARENT, JANE, "Kept")
    portal.create_reply.side_effect = None
    retried = replies.retry(SlackMessage(CHANNEL, TS), presser=JANE)

    assert isinstance(refused, ReplyRefused) and says in refused.reason
    assert retried == ReplyPosted(777)
    assert portal.replies_by.call_count == 1  # looked first
    assert store.slack_replies.get(CHANNEL, TS).state == "posted"  # type: ignore[union-attr]


def test_retry_by_someone_else_does_nothing(replies: SlackReplies, portal: Mock) -> None:
    portal.create_reply.side_effect = PortalUnavailable("503")
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Kept")

    assert replies.retry(SlackMessage(CHANNEL, TS), presser="UOMAR") == NotYourReply(JANE)
    assert portal.create_reply.call_count == 1


def test_edit_within_a_day_updates_the_portal_reply(
    replies: SlackReplies, portal: Mock, clock: Clock
) -> None:
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Bring cake")
    clock.now = NOW + timedelta(hours=23)

    assert replies.edit_reply(CHANNEL, TS, JANE, "Bring pie") == ReplyPosted(777)
    portal.update_reply.assert_called_once_with(
        NewReply(
            id=777,
            community_thread_id=THREAD,
            user_id=JANE_USER,
            coworker_id=JANE_COWORKER,
            message="<p>Bring pie</p>",
        )
    )


@pytest.mark.parametrize(
    ("user", "text", "later"),
    [
        (JANE, "Bring cake", timedelta(0)),  # message_changed without a change (an unfurl)
        ("UOMAR", "Bring pie", timedelta(0)),  # not the author
        (JANE, "Bring pie", timedelta(hours=25)),  # too late
    ],
)
def test_edits_that_do_not_reach_the_portal(
    replies: SlackReplies, portal: Mock, clock: Clock, user: str, text: str, later: timedelta
) -> None:
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Bring cake")
    clock.now = NOW + later

    assert replies.edit_reply(CHANNEL, TS, user, text) == ReplyIgnored()
    portal.update_reply.assert_not_called()


def test_editing_a_refused_reply_changes_what_retry_posts(replies: SlackReplies, portal: Mock) -> None:
    portal.create_reply.side_effect = PortalUnavailable("503")
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Typo")
    portal.create_reply.side_effect = None

    replies.edit_reply(CHANNEL, TS, JANE, "Fixed")
    replies.retry(SlackMessage(CHANNEL, TS), presser=JANE)

    assert portal.create_reply.call_args.args[0].message == "<p>Fixed</p>"


def test_delete_within_a_day_deletes_the_portal_reply_once(
    store: Store, replies: SlackReplies, portal: Mock, clock: Clock
) -> None:
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Oops")

    assert replies.delete_reply(CHANNEL, TS) == ReplyPosted(777)
    assert replies.delete_reply(CHANNEL, TS) == ReplyIgnored()
    portal.delete_reply.assert_called_once_with(777)
    assert store.slack_replies.get(CHANNEL, TS).state == "deleted"  # type: ignore[union-attr]


def test_delete_after_a_day_is_ignored(replies: SlackReplies, portal: Mock, clock: Clock) -> None:
    replies.post_reply(CHANNEL, TS, PARENT, JANE, "Oops")
    clock.now = NOW + timedelta(hours=25)

    assert replies.delete_reply(CHANNEL, TS) == ReplyIgnored()
    portal.delete_reply.assert_not_called()


def test_resume_stuck_posts_what_a_dead_process_left(
    store: Store, replies: SlackReplies, portal: Mock, clock: Clock
) -> None:
    store.slack_replies.claim(
        channel=CHANNEL, ts=TS, slack_user_id=JANE, thread_id=THREAD, text="Left", now=NOW
    )
    clock.now = NOW + STALE_CLAIM + timedelta(seconds=1)

    [(stuck, outcome)] = replies.resume_stuck()

    assert (stuck.ts, outcome) == (TS, ReplyPosted(777))
    assert replies.resume_stuck() == []


@pytest.mark.parametrize(
    ("typed", "html"),
    [
        ("a &lt;b&gt; &amp; c", "<p>a &lt;b&gt; &amp; c</p>"),  # Slack's escapes read, then HTML's
        ("hi <@UOMAR>", "<p>hi @Omar Haddad</p>"),  # a mention: the person's name
        ("hi <@UOMAR|omar>", "<p>hi @omar</p>"),  # a mention with its label
        (
            "see <https://x.io/a?b=1&amp;c=2|the rules>",
            '<p>see <a href="https://x.io/a?b=1&amp;c=2">the rules</a></p>',
        ),
        ("<https://x.io>", '<p><a href="https://x.io">https://x.io</a></p>'),  # a bare link
        ("<javascript:alert(1)|click>", "<p>javascript:alert(1)</p>"),  # only http(s) becomes a link
        ("in <#C1|general> <!here>", "<p>in #general @here</p>"),
        ("<mailto:a@b.c|write>", "<p>write</p>"),
        ("one\n\ntwo\nthree", "<p>one</p><p>two<br>three</p>"),
    ],
)
def test_slack_markup_reads_sensibly_on_the_board(typed: str, html: str) -> None:
    assert portal_body(typed, lambda user: {"UOMAR": "Omar Haddad"}[user]) == html
