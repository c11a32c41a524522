"""Replies typed in Slack threads become portal replies: the real app behind its HTTP server,
signed events, both emulators on loopback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.relay.keys import ChannelPostKey, RepliesDmKey
from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from handlers.blocks.reply_notices import POSTED_REACTION
from tests.bot.relay.conftest import Board, dms_to
from tests.conftest import subscribe, wait_for

CHANNEL, OTHER_CHANNEL = "CBOARD", "COTHER"
REPLY = "CommunityMessage"
LISTENER = "handlers.events.messages"


class MovableClock:
    """The app's clock, moved on by tests that need a day to pass."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def stack(tmp_path: Path, clock: MovableClock) -> Iterator[LocalStack]:
    """Watching the board, with CBOARD subscribed to new threads as they appear."""
    with LocalStack(directory=tmp_path, clock=clock) as running:
        running.bot.directory.refresh()
        running.bot.identities.resolve(seed.JANE)
        running.bot.relay.run_once()
        subscribe(running.store, CHANNEL)
        yield running


@pytest.fixture
def board(stack: LocalStack) -> Board:
    return Board(stack)


@pytest.fixture
def handled(caplog: pytest.LogCaptureFixture) -> Callable[[int], None]:
    """Waits until the bot has finished with this many message events (ignored ones too)."""
    caplog.set_level(logging.DEBUG, logger=LISTENER)

    def wait(count: int) -> None:
        wait_for(lambda: len([r for r in caplog.records if r.name == LISTENER]) >= count)

    return wait


def channel_post(stack: LocalStack, board: Board, subject: str = "Summer party") -> tuple[int, str]:
    """A new thread, relayed to CBOARD: (thread id, the ts of its channel post)."""
    thread = board.thread(subject)
    stack.bot.relay.run_once()
    sent = stack.store.outbox.get(ChannelPostKey(thread, CHANNEL).text())
    assert sent is not None and sent.ts is not None
    return thread, sent.ts


def portal_replies(stack: LocalStack) -> list[dict[str, Any]]:
    return stack.nexudus.created(REPLY)


def reacted(stack: LocalStack, channel: str, ts: str) -> bool:
    return (channel, ts, POSTED_REACTION) in stack.slack.reactions


def ephemerals(stack: LocalStack) -> list[dict[str, Any]]:
    return [c.args for c in stack.slack.calls_to("chat.postEphemeral")]


def test_reply_under_a_channel_post_is_one_portal_reply_as_the_member(
    stack: LocalStack, board: Board
) -> None:
    thread, parent = channel_post(stack, board)

    text = "Count me in &amp; bring <https://x.io|cake>"  # as Slack escapes what was typed
    ts, answer = stack.driver.message(seed.JANE, CHANNEL, text, thread_ts=parent)

    assert answer.status_code == 200
    wait_for(lambda: reacted(stack, CHANNEL, ts))
    [reply] = portal_replies(stack)
    assert reply["CommunityThreadId"] == thread
    assert (reply["UserId"], reply["CoworkerId"]) == (seed.JANE_USER_ID, seed.JANE_COWORKER_ID)
    assert reply["Message"] == '<p>Count me in &amp; bring <a href="https://x.io">cake</a></p>'


def test_reply_under_a_reply_dm_is_posted_too(stack: LocalStack, board: Board) -> None:
    thread = board.thread("Bike shed", InstantDelivery=True)
    board.follow(thread)
    first = board.reply(thread, "Racks arrive Monday")
    stack.bot.relay.run_once()
    [dm] = dms_to(stack, seed.JANE)

    ts, _ = stack.driver.message(seed.JANE, dm["channel"], "Thanks!", thread_ts=dm["ts"])

    wait_for(lambda: reacted(stack, dm["channel"], ts))
    [reply] = portal_replies(stack)
    assert (reply["CommunityThreadId"], reply["UserId"]) == (thread, seed.JANE_USER_ID)
    [under] = stack.store.outbox.sent_at(dm["channel"], dm["ts"])
    assert under.key == RepliesDmKey(thread, first, seed.JANE).text()


def test_retried_and_duplicate_events_post_once(
    stack: LocalStack, board: Board, handled: Callable[[int], None]
) -> None:
    _, parent = channel_post(stack, board)
    event = {
        "type": "message",
        "user": seed.JANE,
        "channel": CHANNEL,
        "text": "Once only",
        "ts": "1800000000.000001",
        "thread_ts": parent,
    }

    first = stack.driver.event(event, event_id="Ev1")
    retried = stack.driver.event(event, event_id="Ev1", retry=1)
    duplicate = stack.driver.event(event, event_id="Ev2")
    handled(3)

    assert [first.status_code, retried.status_code, duplicate.status_code] == [200, 200, 200]
    assert [r["Message"] for r in portal_replies(stack)] == ["<p>Once only</p>"]
    assert reacted(stack, CHANNEL, event["ts"]) and ephemerals(stack) == []


@pytest.mark.parametrize(
    ("fields", "heard"),
    [
        ({"bot_id": "B2", "user": "UOTHERAPP"}, 1),  # another app's post
        ({"user": "UBOT"}, 0),  # our own bot user: Bolt drops it before any listener
        ({"subtype": "channel_join"}, 1),  # a join, still acknowledged
        ({"subtype": "bot_message", "user": None, "bot_id": "B3"}, 1),  # a classic bot
        ({"thread_ts": None}, 1),  # a top-level message
        ({"thread_ts": "1.000001"}, 1),  # a thread we never posted
    ],
)
def test_messages_that_are_not_member_replies_are_acknowledged_and_ignored(
    stack: LocalStack, board: Board, handled: Callable[[int], None], fields: dict[str, Any], heard: int
) -> None:
    _, parent = channel_post(stack, board)
    event = {"type": "message", "user": seed.JANE, "channel": CHANNEL, "text": "hi", "ts": "1800000000.1"}
    event |= {"thread_ts": parent, **fields}

    answer = stack.driver.event({k: v for k, v in event.items() if v is not None})
    handled(heard)

    assert answer.status_code == 200
    assert portal_replies(stack) == [] and stack.slack.reactions == set() and ephemerals(stack) == []


def test_unlinked_member_is_told_how_to_get_linked_and_nothing_is_posted(
    stack: LocalStack, board: Board
) -> None:
    _, parent = channel_post(stack, board)

    ts, _ = stack.driver.message(seed.NOBODY, CHANNEL, "Me too", thread_ts=parent)

    [told] = wait_for(lambda: ephemerals(stack))
    assert told["user"] == seed.NOBODY and told["thread_ts"] == parent
    assert "/newthread link" in told["text"]
    assert portal_replies(stack) == [] and not reacted(stack, CHANNEL, ts)


def _deleted(entity: str, record_id: int) -> Any:
    """Removes a record (Nexudus then answers 401 "Access Denied." to a write naming it);
    returns how to put it back."""

    def remove(stack: LocalStack) -> Any:
        record = stack.nexudus.find(entity, record_id)
        stack.nexudus.remove(entity, record_id)
        return lambda: stack.nexudus.records[entity].append(record)

    return remove


def _refusing(stack: LocalStack) -> Any:
    stack.nexudus.faults.reject_replies = [("Message", "is too long")]
    return lambda: stack.nexudus.faults.reject_replies.clear()


@pytest.mark.parametrize(
    ("cause", "says"),
    [
        ("thread", "deleted"),  # 401 Access Denied: the thread is gone
        ("user", "no longer be active"),  # 401 Access Denied: the member's portal user is gone
        ("invalid", "Message: is too long"),  # 400 with Errors
    ],
)
def test_portal_refusal_is_explained_with_a_retry_that_works_once_fixed(
    stack: LocalStack, board: Board, cause: str, says: str
) -> None:
    thread, parent = channel_post(stack, board)
    breaks = {
        "thread": _deleted("CommunityThread", thread),
        "user": _deleted("User", seed.JANE_USER_ID),
        "invalid": _refusing,
    }
    fix = breaks[cause](stack)

    ts, _ = stack.driver.message(seed.JANE, CHANNEL, "Great idea", thread_ts=parent)

    [told] = wait_for(lambda: ephemerals(stack))
    assert told["user"] == seed.JANE and told["thread_ts"] == parent and says in told["text"]
    assert portal_replies(stack) == [] and not reacted(stack, CHANNEL, ts)

    fix()
    notice = {"blocks": told["blocks"], "ts": "1800000000.999999"}
    stack.driver.press(seed.JANE, notice, ids.RETRY_REPLY_ACTION, channel_id=CHANNEL)

    wait_for(lambda: reacted(stack, CHANNEL, ts))
    [reply] = portal_replies(stack)
    assert reply["Message"] == "<p>Great idea</p>" and reply["CommunityThreadId"] == thread
    [said] = wait_for(lambda: stack.slack.responses)
    assert "on the board" in said["text"] and said["replace_original"] is True


def test_retry_pressed_by_someone_else_names_the_author_and_posts_nothing(
    stack: LocalStack, board: Board
) -> None:
    _, parent = channel_post(stack, board)
    fix = _refusing(stack)
    stack.driver.message(seed.JANE, CHANNEL, "Great idea", thread_ts=parent)
    [told] = wait_for(lambda: ephemerals(stack))
    fix()

    notice = {"blocks": told["blocks"], "ts": "1800000000.999999"}
    stack.driver.press(seed.OMAR, notice, ids.RETRY_REPLY_ACTION, channel_id=CHANNEL)

    [said] = wait_for(lambda: stack.slack.responses)
    assert f"<@{seed.JANE}>" in said["text"] and said["replace_original"] is False
    assert portal_replies(stack) == []


def test_no_echo_into_the_slack_thread_but_other_channels_and_followers_hear_it(
    stack: LocalStack, board: Board
) -> None:
    subscribe(stack.store, OTHER_CHANNEL)
    thread, parent = channel_post(stack, board)
    board.follow(thread, seed.JANE_USER_ID)
    board.follow(thread, seed.OMAR_USER_ID)
    stack.nexudus.find("CommunityThread", thread)["InstantDelivery"] = True  # type: ignore[index]
    ts, _ = stack.driver.message(seed.JANE, CHANNEL, "See you there", thread_ts=parent)
    wait_for(lambda: reacted(stack, CHANNEL, ts))

    stack.bot.relay.run_once()
    stack.bot.relay.run_once()

    assert [p["text"] for p in stack.slack.posts(CHANNEL)] == ["New thread: Summer party"]
    [_, other] = stack.slack.posts(OTHER_CHANNEL)
    assert "See you there" in other["text"] and other["thread_ts"]
    assert "See you there" in str(dms_to(stack, seed.OMAR))
    assert dms_to(stack, seed.JANE) == []  # never your own reply


def test_edit_and_delete_within_a_day_follow_the_portal_reply(stack: LocalStack, board: Board) -> None:
    _, parent = channel_post(stack, board)
    ts, _ = stack.driver.message(seed.JANE, CHANNEL, "Bring cake", thread_ts=parent)
    wait_for(lambda: reacted(stack, CHANNEL, ts))
    [reply] = portal_replies(stack)

    stack.driver.message_changed(seed.JANE, CHANNEL, ts, "Bring two cakes", thread_ts=parent)
    wait_for(lambda: reply["Message"] == "<p>Bring two cakes</p>")

    stack.driver.message_deleted(seed.JANE, CHANNEL, ts, thread_ts=parent)
    wait_for(lambda: stack.nexudus.find(REPLY, reply["Id"]) is None)


def test_edit_after_a_day_is_ignored(
    stack: LocalStack, board: Board, clock: MovableClock, handled: Callable[[int], None]
) -> None:
    _, parent = channel_post(stack, board)
    ts, _ = stack.driver.message(seed.JANE, CHANNEL, "Bring cake", thread_ts=parent)
    wait_for(lambda: reacted(stack, CHANNEL, ts))
    clock.ahead = timedelta(hours=25)

    edited = stack.driver.message_changed(seed.JANE, CHANNEL, ts, "Bring pie", thread_ts=parent)
    deleted = stack.driver.message_deleted(seed.JANE, CHANNEL, ts, thread_ts=parent)
    handled(3)

    assert (edited.status_code, deleted.status_code) == (200, 200)
    assert [r["Message"] for r in portal_replies(stack)] == ["<p>Bring cake</p>"]
    assert stack.nexudus.calls("PUT") == [] and stack.nexudus.calls("DELETE") == []


def test_a_refused_reply_deleted_in_slack_is_not_posted_by_its_retry(
    stack: LocalStack, board: Board, handled: Callable[[int], None]
) -> None:
    _, parent = channel_post(stack, board)
    fix = _refusing(stack)
    ts, _ = stack.driver.message(seed.JANE, CHANNEL, "Never mind", thread_ts=parent)
    [told] = wait_for(lambda: ephemerals(stack))
    fix()

    stack.driver.message_deleted(seed.JANE, CHANNEL, ts, thread_ts=parent)
    handled(2)
    notice = {"blocks": told["blocks"], "ts": "1800000000.999999"}
    stack.driver.press(seed.JANE, notice, ids.RETRY_REPLY_ACTION, channel_id=CHANNEL)

    [said] = wait_for(lambda: stack.slack.responses)
    assert "deleted" in said["text"] and said["replace_original"] is True
    assert portal_replies(stack) == [] and not reacted(stack, CHANNEL, ts)
