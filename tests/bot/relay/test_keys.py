"""Relay keys and targets: one type each, text that round-trips, today's stored text still read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.clock import utc_now
from bot.relay.delivery import OutboxSender
from bot.relay.keys import (
    ChannelPostKey,
    ChannelReplyKey,
    ChannelTarget,
    DigestKey,
    DmTarget,
    PersonDigest,
    RepliesDmKey,
    ReplyItem,
    SubscriptionDigest,
    ThreadItem,
    parse_digest_target,
    parse_item_key,
    parse_outbox_key,
    parse_outbox_target,
)
from bot.slack_users import SlackUsers
from store import Store
from store.relay_models import OutboxMessage

AT = datetime(2026, 3, 1, 8, 0, 5, tzinfo=UTC)


def _parse(key: object) -> Callable[[str], Any]:
    """The parser that reads back a key of this type."""
    if isinstance(key, DmTarget | ChannelTarget):
        return parse_outbox_target
    if isinstance(key, PersonDigest | SubscriptionDigest):
        return parse_digest_target
    if isinstance(key, ThreadItem | ReplyItem):
        return parse_item_key
    return parse_outbox_key


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (DmTarget("U1"), "user:U1"),  # an outbox row sent by DM, as written from now on
        (DmTarget("W9"), "user:W9"),  # an Enterprise Grid user
        (ChannelTarget("C1"), "C1"),  # an outbox row for a channel: the bare channel id
        (ChannelTarget("G7"), "G7"),  # a private channel
        (PersonDigest("U1"), "user:U1"),  # a person's digest
        (SubscriptionDigest(12), "sub:12"),  # a channel subscription's digest
        (ThreadItem(5), "thread:5"),  # a digest item: a new thread
        (ReplyItem(6), "reply:6"),  # a digest item: a new reply
        (RepliesDmKey(5, 6, "U1"), "replies:5:6:user:U1"),  # new replies by DM
        (ChannelPostKey(5, "C1"), "thread:5:channel:C1"),  # a new thread in a channel
        (ChannelReplyKey(6, "C1"), "reply:6:channel:C1"),  # a reply threaded in a channel
        (DigestKey(PersonDigest("U1"), AT, 1), "digest:user:U1:20260301T080005:1"),  # a person's
        (DigestKey(SubscriptionDigest(12), AT, 3), "digest:sub:12:20260301T080005:3"),  # a channel's
    ],
)
def test_every_key_type_has_one_text_and_reads_back(key: object, text: str) -> None:
    assert key.text() == text  # type: ignore[attr-defined]
    assert _parse(key)(text) == key


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("U0123ABCD", DmTarget("U0123ABCD")),  # a bare user id: DM rows queued before "user:"
        ("W0123ABCD", DmTarget("W0123ABCD")),  # ...and an Enterprise Grid one
        ("C0123ABCD", ChannelTarget("C0123ABCD")),  # channel rows never changed
        ("replies:412:9001:user:U0123ABCD", RepliesDmKey(412, 9001, "U0123ABCD")),
        ("thread:412:channel:C0123ABCD", ChannelPostKey(412, "C0123ABCD")),
        ("reply:9001:channel:C0123ABCD", ChannelReplyKey(9001, "C0123ABCD")),
        (
            "digest:user:U0123ABCD:20250102T080000:2",
            DigestKey(PersonDigest("U0123ABCD"), datetime(2025, 1, 2, 8, tzinfo=UTC), 2),
        ),
        (
            "digest:sub:3:20250102T080000:1",
            DigestKey(SubscriptionDigest(3), datetime(2025, 1, 2, 8, tzinfo=UTC), 1),
        ),
        ("user:U0123ABCD", PersonDigest("U0123ABCD")),
        ("sub:3", SubscriptionDigest(3)),
        ("thread:412", ThreadItem(412)),
        ("reply:9001", ReplyItem(9001)),
    ],
)
def test_text_stored_by_earlier_versions_still_parses(text: str, parsed: object) -> None:
    assert _parse(parsed)(text) == parsed


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_outbox_key, "reply:x:channel:C1"),  # not a number
        (parse_outbox_key, "thread:5:channel:"),  # no channel
        (parse_outbox_key, "digest:user:U1:yesterday:1"),  # not a stamp
        (parse_outbox_key, "k1"),  # not a relay key at all
        (parse_digest_target, "sub:-1"),  # not a subscription id
        (parse_digest_target, "U1"),  # a bare id names no digest
        (parse_item_key, "thread:"),  # no thread id
        (parse_item_key, "message:5"),  # no such item
    ],
)
def test_malformed_text_is_refused(parse: Callable[[str], object], text: str) -> None:
    with pytest.raises(ValueError):
        parse(text)


class RecordingSlack(WebClient):
    """Slack's calls the sender makes, answered in memory; posts recorded."""

    def __init__(self) -> None:
        super().__init__(token="xoxb-test")
        self.posted_to: list[str] = []

    def users_info(self, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        return self._answer({"user": {"id": kwargs["user"], "name": "someone"}})  # active

    def conversations_open(self, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        return self._answer({"channel": {"id": f"D{kwargs['users']}"}})

    def chat_postMessage(self, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        self.posted_to.append(str(kwargs["channel"]))
        return self._answer({"channel": kwargs["channel"], "ts": f"{len(self.posted_to)}.0"})

    def _answer(self, data: dict[str, Any]) -> SlackResponse:
        return SlackResponse(
            client=self,
            http_verb="POST",
            api_url="",
            req_args={},
            data={"ok": True, **data},
            headers={},
            status_code=200,
        )


@pytest.mark.parametrize(
    ("target", "channel"),
    [
        (DmTarget("U1").text(), "DU1"),  # a DM: through the person's DM channel
        ("U2", "DU2"),  # a DM row queued by an earlier version still reaches the person
        ("W3", "DW3"),  # ...on Enterprise Grid too
        (ChannelTarget("C1").text(), "C1"),  # a channel: straight to it
    ],
)
def test_the_sender_opens_a_dm_for_a_person_and_posts_to_a_channel_as_is(
    tmp_path: Path, target: str, channel: str
) -> None:
    store = Store(tmp_path / "bot.db")
    store.outbox.add([OutboxMessage(key="k1", target=target, text="hi", blocks=[], created_at=utc_now())])
    slack = RecordingSlack()
    slack_users = SlackUsers(slack, reported=store.slack_profiles)
    sender = OutboxSender(slack, store.outbox, slack_users, turns=store.channel_turns)

    assert sender.deliver_due() == 1
    assert slack.posted_to == [channel]
