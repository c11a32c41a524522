"""Portal edits and removals reach Slack: channel posts updated in place or withdrawn, once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.relay.change_delivery import ChangeSender
from bot.relay.keys import ChannelPostKey
from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.relay_changes import WITHDRAWN_TEXT
from tests.bot.relay.conftest import THREAD, Board, dms_to, restarted
from tests.conftest import subscribe

CHANNEL = "CBOARD"


def posted_thread(stack: LocalStack, board: Board, subject: str = "Lunch on the roof", **fields: Any) -> int:
    """A thread posted in CHANNEL, a reply relayed under it, and Jane told of it by DM."""
    subscribe(stack.store, CHANNEL)
    thread = board.thread(subject, InstantDelivery=True, **fields)
    board.follow(thread)
    stack.bot.relay.run_once()
    board.reply(thread, "Me, with sandwiches")
    stack.bot.relay.run_once()
    assert len(stack.slack.posts(CHANNEL)) == 2 and len(dms_to(stack, seed.JANE)) == 1
    return thread


def updates(stack: LocalStack) -> list[dict[str, Any]]:
    return [call.args for call in stack.slack.calls_to("chat.update")]


def shown(message: dict[str, Any]) -> str:
    return json.dumps([message["text"], message["blocks"]], ensure_ascii=False)


@pytest.mark.parametrize(
    "edit",
    [
        {"Subject": "Lunch moved to the garden"},  # the subject
        {"Message": "Lunch moved to the garden, 1 pm"},  # the opening message
    ],
)
def test_portal_edit_updates_the_channel_post_once_marked_edited(
    relay_stack: LocalStack, board: Board, edit: dict[str, str]
) -> None:
    thread = posted_thread(relay_stack, board)
    relay_stack.nexudus.update(THREAD, thread, **edit)

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    [update] = updates(relay_stack)
    post = relay_stack.store.outbox.get(ChannelPostKey(thread, CHANNEL).text())
    assert post is not None and (update["channel"], update["ts"]) == (post.channel, post.ts)
    card = relay_stack.slack.posts(CHANNEL)[0]
    assert "Lunch moved to the garden" in shown(card) and "(edited)" in shown(card)


def test_a_touch_that_changes_nothing_shown_updates_nothing(relay_stack: LocalStack, board: Board) -> None:
    thread = posted_thread(relay_stack, board)
    relay_stack.nexudus.update(THREAD, thread, Tags="lunch")  # UpdatedOn moves; the card is the same

    relay_stack.bot.relay.run_once()

    assert updates(relay_stack) == []


@pytest.mark.parametrize(
    "change",
    [
        {"Private": True},  # turned private
        {"CommunityGroupId": seed.BOARD_GROUP},  # moved into a Private group
    ],
)
def test_thread_hidden_from_channels_withdraws_its_channel_copies_not_dms(
    relay_stack: LocalStack, board: Board, change: dict[str, Any]
) -> None:
    thread = posted_thread(relay_stack, board, "Salaries")
    relay_stack.nexudus.update(THREAD, thread, **change)

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    channel_copies = relay_stack.slack.posts(CHANNEL)
    assert len(updates(relay_stack)) == 2
    for message in channel_copies:
        assert message["text"] == WITHDRAWN_TEXT
        assert "Salaries" not in shown(message) and "sandwiches" not in shown(message)
    [dm] = dms_to(relay_stack, seed.JANE)
    assert "sandwiches" in shown(dm) and "edited" not in dm


def test_deleted_thread_withdraws_channel_copies_and_dms(relay_stack: LocalStack, board: Board) -> None:
    thread = posted_thread(relay_stack, board, "Salaries")
    relay_stack.nexudus.remove(THREAD, thread)

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    assert len(updates(relay_stack)) == 3
    for message in [*relay_stack.slack.posts(CHANNEL), *dms_to(relay_stack, seed.JANE)]:
        assert message["text"] == WITHDRAWN_TEXT and "sandwiches" not in shown(message)


def test_poll_costs_one_list_call_more_with_channel_posts_tracked(
    relay_stack: LocalStack, board: Board
) -> None:
    relay_stack.bot.relay.run_once()
    before = len(relay_stack.nexudus.calls())
    relay_stack.bot.relay.run_once()
    idle = len(relay_stack.nexudus.calls()) - before
    posted_thread(relay_stack, board)

    before = len(relay_stack.nexudus.calls())
    relay_stack.bot.relay.run_once()

    calls = relay_stack.nexudus.calls()[before:]
    assert len(calls) == idle + 1
    assert [c.query.get("from_CommunityThread_UpdatedOn") is not None for c in calls].count(True) == 1


def test_two_processes_update_a_post_once(relay_stack: LocalStack, board: Board) -> None:
    thread = posted_thread(relay_stack, board)
    relay_stack.nexudus.update(THREAD, thread, Subject="Lunch is cancelled")

    with restarted(relay_stack) as other:
        other.relay.run_once()
        relay_stack.bot.relay.run_once()
        other.relay.run_once()

    assert len(updates(relay_stack)) == 1


def test_rate_limited_update_waits_for_retry_after_then_goes_once(
    relay_stack: LocalStack, board: Board
) -> None:
    thread = posted_thread(relay_stack, board)
    relay_stack.slack.rate_limited["chat.update"] = 1
    relay_stack.slack.retry_after = 600
    relay_stack.nexudus.update(THREAD, thread, Subject="Lunch is at noon")
    relay_stack.bot.relay.run_once()  # finds the edit; Slack answers 429
    now = datetime.now(UTC)
    store = relay_stack.store
    later = ChangeSender(
        relay_stack.bot.app.client, store.relayed_changes, clock=lambda: now, turns=store.channel_turns
    )
    assert later.send_due() == 0  # not before Slack's Retry-After

    after = ChangeSender(
        relay_stack.bot.app.client,
        relay_stack.store.relayed_changes,
        clock=lambda: now + timedelta(seconds=601),
        turns=store.channel_turns,
    )
    assert after.send_due() == 1
    assert after.send_due() == 0
    assert len(updates(relay_stack)) == 2  # the 429, then the one that went
    assert "Lunch is at noon" in shown(relay_stack.slack.posts(CHANNEL)[0])
