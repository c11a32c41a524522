"""Slack's pace of about one message a second per channel holds across bot processes and
between the relay's posts and its edits: each write takes the channel's turn in SQLite.
Real SQLite files and the Slack emulator; a fixed clock, and waits recorded, not slept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.relay.change_delivery import ChangeSender
from bot.relay.delivery import OutboxSender
from bot.slack_users import SlackUsers
from emulators.slack import FakeSlack
from store import Store
from store.relay_models import OutboxMessage
from store.relayed_changes import RelayedChange

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def post(store: Store, key: str, channel: str = "CBUSY") -> None:
    store.outbox.add([OutboxMessage(key=key, target=channel, text=key, blocks=[], created_at=NOW)])


def sender(slack: FakeSlack, store: Store, waits: list[float]) -> OutboxSender:
    client = WebClient(token="xoxb-local", base_url=slack.api_url)
    return OutboxSender(
        client,
        store.outbox,
        SlackUsers(client, reported=store.slack_profiles),
        clock=lambda: NOW,
        sleep=waits.append,
        turns=store.channel_turns,
    )


def test_a_post_from_another_process_waits_for_the_channels_turn(
    slack: FakeSlack, two_stores: tuple[Store, Store]
) -> None:
    first, second = two_stores
    first_waits: list[float] = []
    second_waits: list[float] = []
    post(first, "k1")
    assert sender(slack, first, first_waits).deliver_due() == 1
    post(second, "k2")
    post(second, "k3", channel="COTHER")

    assert sender(slack, second, second_waits).deliver_due() == 2

    assert first_waits == [] and second_waits == [pytest.approx(1.0)]  # COTHER did not wait
    assert sorted(m["text"] for m in slack.posts()) == ["k1", "k2", "k3"]


def test_an_edit_waits_for_the_turn_a_post_to_its_channel_took(slack: FakeSlack, store: Store) -> None:
    waits: list[float] = []
    post(store, "k1")
    sender(slack, store, waits).deliver_due()
    store.relayed_changes.add(
        [
            RelayedChange(
                key="e1", change="edit:x", channel="CBUSY", ts="1.1", text="new", blocks=[], created_at=NOW
            )
        ]
    )
    client = WebClient(token="xoxb-local", base_url=slack.api_url)
    edits = ChangeSender(
        client, store.relayed_changes, clock=lambda: NOW, sleep=waits.append, turns=store.channel_turns
    )

    edits.send_due()

    assert waits == [pytest.approx(1.0)]
    assert len(slack.calls_to("chat.update")) == 1


def test_no_turn_is_taken_for_a_message_another_process_took_first(slack: FakeSlack, store: Store) -> None:
    post(store, "k1")
    post(store, "k2")
    listed = store.outbox.due

    def due_then_k1_taken(
        now: datetime, limit: int = 500, *, owner: str | None = None
    ) -> list[OutboxMessage]:
        found = listed(now, limit, owner=owner)
        store.outbox.claim("k1", "another process", NOW + timedelta(minutes=2), NOW)  # it won the race
        return found

    store.outbox.due = due_then_k1_taken  # type: ignore[method-assign]
    waits: list[float] = []

    assert sender(slack, store, waits).deliver_due() == 1

    assert waits == []  # k2 took the channel's first turn: none was taken for k1
    assert [m["text"] for m in slack.posts()] == ["k2"]
