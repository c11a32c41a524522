"""The message listener called directly, with a fake ``Ack`` and a mocked SlackReplies: what
counts as a member's reply, an edit or a deletion, and what the member is told."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import Mock, call

import pytest
from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.clock import utc_now
from bot.two_way.outcomes import ReplyIgnored, ReplyNotLinked, ReplyPosted, ReplyRefused, SlackMessage
from bot.two_way.replies import SlackReplies
from handlers import ids
from handlers.blocks.reply_notices import POSTED_REACTION
from handlers.events.messages import (
    MemberReply,
    ReplyDeletion,
    ReplyEdit,
    SlackReplyNotices,
    on_message,
    parse_message_event,
)
from store.slack_replies import SlackReply
from tests.conftest import slack_refusal

BOT = "UBOT"
REPLY = {"type": "message", "user": "UJANE", "channel": "C1", "text": "hi", "ts": "2.0", "thread_ts": "1.0"}
JANES = MemberReply("C1", "2.0", "1.0", "UJANE", "hi")


def changed(**message: Any) -> dict[str, Any]:
    edited = {"user": "UJANE", "text": "new", "ts": "2.0", "thread_ts": "1.0", **message}
    return {"type": "message", "subtype": "message_changed", "channel": "C1", "ts": "3.0", "message": edited}


@pytest.mark.parametrize(
    ("event", "meant"),
    [
        (REPLY, JANES),
        ({**REPLY, "subtype": "thread_broadcast"}, JANES),  # also sent to the channel
        ({**REPLY, "subtype": "file_share"}, JANES),  # its text goes; the files stay in Slack
        ({**REPLY, "subtype": "file_share", "text": ""}, None),  # files alone: nothing to say
        ({**REPLY, "bot_id": "B2"}, None),  # another app (or ours) posting as a user
        ({**REPLY, "user": BOT}, None),  # our bot user
        ({**REPLY, "subtype": "bot_message"}, None),  # a classic bot
        ({**REPLY, "subtype": "channel_join"}, None),  # a join
        ({**REPLY, "subtype": "channel_topic"}, None),
        ({**REPLY, "thread_ts": "2.0"}, None),  # a thread's parent itself
        ({k: v for k, v in REPLY.items() if k != "thread_ts"}, None),  # a top-level message
        (changed(), ReplyEdit("C1", "2.0", "1.0", "UJANE", "new")),
        (changed(bot_id="B1"), None),  # an app's message edited
        (changed(thread_ts=None), None),  # a top-level message edited
        (
            {"type": "message", "subtype": "message_deleted", "channel": "C1", "deleted_ts": "2.0",
             "previous_message": {"user": "UJANE", "ts": "2.0", "thread_ts": "1.0"}},
            ReplyDeletion("C1", "2.0", "1.0", "UJANE"),
        ),
        (
            {"type": "message", "subtype": "message_deleted", "channel": "C1", "deleted_ts": "2.0",
             "previous_message": {"user": "UJANE", "ts": "2.0"}},
            None,  # a top-level message deleted
        ),
    ],
)  # fmt: skip
def test_what_a_message_event_means(event: dict[str, Any], meant: object) -> None:
    assert parse_message_event(event, BOT) == meant


def deliver(event: dict[str, Any], replies: Mock) -> tuple[Mock, Mock]:
    """Call the listener as Bolt would; returns (ack, client)."""
    ack, client = Mock(spec=Ack), Mock(spec=WebClient)
    ack.side_effect = lambda: replies.assert_not_called()  # ack comes before any work
    on_message(ack, event, BoltContext(bot_user_id=BOT), client, replies=replies)
    ack.assert_called_once_with()
    return ack, client


@pytest.fixture
def replies() -> Mock:
    return Mock(spec=SlackReplies)


def test_a_posted_reply_gets_a_check_mark(replies: Mock) -> None:
    replies.post_reply.return_value = ReplyPosted(7)

    _, client = deliver(REPLY, replies)

    replies.post_reply.assert_called_once_with("C1", "2.0", "1.0", "UJANE", "hi")
    client.reactions_add.assert_called_once_with(channel="C1", timestamp="2.0", name=POSTED_REACTION)


def test_already_reacted_is_a_success(replies: Mock) -> None:
    replies.post_reply.return_value = ReplyPosted(7)
    ack, client = Mock(spec=Ack), Mock(spec=WebClient)
    client.reactions_add.side_effect = slack_refusal("already_reacted")

    on_message(ack, REPLY, BoltContext(bot_user_id=BOT), client, replies=replies)

    client.chat_postEphemeral.assert_not_called()


def test_a_refusal_is_an_ephemeral_in_the_thread_with_retry(replies: Mock) -> None:
    replies.post_reply.return_value = ReplyRefused("Nexudus is not answering right now.")

    _, client = deliver(REPLY, replies)

    told = client.chat_postEphemeral.call_args.kwargs
    assert (told["channel"], told["user"], told["thread_ts"]) == ("C1", "UJANE", "1.0")
    assert "not answering" in told["text"]
    [button] = told["blocks"][-1]["elements"]
    assert button["action_id"] == ids.RETRY_REPLY_ACTION
    assert SlackMessage.parse(button["value"]) == SlackMessage("C1", "2.0")
    client.reactions_add.assert_not_called()


def test_an_unlinked_member_is_told_how_to_get_linked(replies: Mock) -> None:
    replies.post_reply.return_value = ReplyNotLinked("nobody@example.com")

    _, client = deliver(REPLY, replies)

    told = client.chat_postEphemeral.call_args.kwargs
    assert "nobody@example.com" in told["text"] and "/newthread link" in told["text"]


@pytest.mark.parametrize(
    "event",
    [
        {**REPLY, "subtype": "channel_join"},
        {**REPLY, "bot_id": "B9"},
        {"type": "message", "subtype": "message_replied", "channel": "C1", "hidden": True},
    ],
)
def test_anything_else_is_acknowledged_and_left_alone(replies: Mock, event: dict[str, Any]) -> None:
    _, client = deliver(event, replies)

    assert replies.mock_calls == [] and client.mock_calls == []


def test_an_edit_and_a_deletion_reach_the_domain(replies: Mock) -> None:
    replies.edit_reply.return_value = ReplyPosted(7)
    replies.delete_reply.return_value = ReplyIgnored()
    deleted = {"type": "message", "subtype": "message_deleted", "channel": "C1", "deleted_ts": "2.0",
               "previous_message": {"user": "UJANE", "ts": "2.0", "thread_ts": "1.0"}}  # fmt: skip

    deliver(changed(), replies)
    deliver(deleted, replies)

    assert replies.mock_calls == [
        call.edit_reply("C1", "2.0", "UJANE", "new"),
        call.delete_reply("C1", "2.0"),
    ]


def test_a_refused_edit_is_explained(replies: Mock) -> None:
    replies.edit_reply.return_value = ReplyRefused("Nexudus is busy right now.")

    _, client = deliver(changed(), replies)

    assert "Your edit did not reach the board" in client.chat_postEphemeral.call_args.kwargs["text"]


def test_a_resumed_reply_is_confirmed_or_explained_in_its_conversation() -> None:
    client = Mock(spec=WebClient)
    reply = SlackReply(
        channel="C1",
        ts="1.2",
        slack_user_id="U1",
        thread_id=42,
        text="On my way",
        state="posted",
        created_at=utc_now(),
        updated_at=utc_now(),
    )
    notices = SlackReplyNotices(client)

    notices.tell(reply, ReplyPosted(7))
    notices.tell(reply, ReplyRefused("Nexudus is busy right now."))

    client.reactions_add.assert_called_once_with(channel="C1", timestamp="1.2", name=POSTED_REACTION)
    told = client.chat_postEphemeral.call_args.kwargs
    assert (told["channel"], told["user"], told["thread_ts"]) == ("C1", "U1", None)
    assert "busy" in told["text"]


def test_the_debug_line_names_where_not_what_was_said(
    replies: Mock, caplog: pytest.LogCaptureFixture
) -> None:
    replies.post_reply.return_value = ReplyPosted(7)
    caplog.set_level(logging.DEBUG, logger="handlers.events.messages")

    deliver({**REPLY, "text": "my private words"}, replies)

    [line] = [r.getMessage() for r in caplog.records if r.name == "handlers.events.messages"]
    assert "C1" in line and "2.0" in line and "MemberReply" in line
    assert "private words" not in line
