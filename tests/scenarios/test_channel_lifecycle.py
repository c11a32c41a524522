"""A channel the bot cannot post in is paused, not failed: removed, archived or refused by
Slack, its subscriptions are kept and listed in status, its queued messages wait and go
once the bot is invited back or the channel unarchived. Through the real HTTP app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from emulators import seed
from emulators.slack import BOT_USER_ID
from emulators.stack import LocalStack
from tests.bot.relay.conftest import Board
from tests.conftest import subscribe, wait_for

GUEST = "UGUEST"

CHANNEL = "CLIFE"


@contextmanager
def watched(tmp_path: Path, **settings: Any) -> Iterator[LocalStack]:
    """The relay watching; CLIFE (Jane and the bot) follows new threads as they appear."""
    with LocalStack(directory=tmp_path, **settings) as stack:
        stack.bot.directory.refresh()
        stack.slack.add_channel(CHANNEL, [seed.JANE])
        subscribe(stack.store, CHANNEL)
        stack.bot.relay.run_once()
        yield stack


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[LocalStack]:
    with watched(tmp_path) as stack:
        yield stack


@pytest.fixture
def watching_for_admins(tmp_path: Path) -> Iterator[LocalStack]:
    with watched(tmp_path, admins=frozenset({seed.ADMIN})) as stack:
        yield stack


def sends_to(stack: LocalStack, channel: str) -> list[str]:
    return [
        str(c.args.get("text"))
        for c in stack.slack.calls_to("chat.postMessage")
        if c.args["channel"] == channel
    ]


def paused(stack: LocalStack) -> bool:
    return bool(stack.store.channel_audience.channel_pauses())


def status(stack: LocalStack) -> str:
    before = len(stack.slack.responses)
    stack.driver.slash(seed.ADMIN, "status")
    return str(wait_for(lambda: stack.slack.responses[before:])[0]["text"])


def test_a_send_answered_not_in_channel_pauses_and_the_message_goes_when_the_bot_is_invited_back(
    watching: LocalStack,
) -> None:
    watching.slack.leave(CHANNEL, BOT_USER_ID)  # removed without an event reaching the bot
    Board(watching).thread("Film night")

    watching.bot.relay.run_once()
    watching.bot.relay.run_once()

    assert sends_to(watching, CHANNEL) == ["New thread: Film night"]  # tried once, then held
    assert watching.store.outbox.count("failed") == 0 and paused(watching)
    assert "channel CLIFE" in status(watching)

    watching.driver.member_joined(CHANNEL, BOT_USER_ID)
    wait_for(lambda: not paused(watching))
    watching.bot.relay.sender.deliver_due()

    assert [m["text"] for m in watching.slack.posts(CHANNEL)] == ["New thread: Film night"]


def test_the_bot_removed_pauses_the_channel_lists_it_in_status_and_sends_nothing(
    watching: LocalStack,
) -> None:
    watching.driver.member_left(CHANNEL, BOT_USER_ID)
    wait_for(lambda: paused(watching))
    Board(watching).thread("Quiet please")

    watching.bot.relay.run_once()

    assert sends_to(watching, CHANNEL) == []
    assert watching.store.subscriptions.in_channel(CHANNEL)  # kept
    shown = status(watching)
    assert "channel CLIFE" in shown and "invite it back" in shown


def test_archived_pauses_and_unarchived_resumes_with_the_kept_message(watching: LocalStack) -> None:
    watching.slack.set_archived(CHANNEL)  # archived: the send learns it first
    Board(watching).thread("Spring fair")
    watching.bot.relay.run_once()
    assert paused(watching) and watching.store.outbox.count("failed") == 0

    watching.driver.channel_event("channel_unarchive", CHANNEL)
    wait_for(lambda: not paused(watching))
    watching.bot.relay.sender.deliver_due()

    assert [m["text"] for m in watching.slack.posts(CHANNEL)] == ["New thread: Spring fair"]


def test_an_archive_event_pauses_until_unarchived(watching: LocalStack) -> None:
    watching.driver.channel_event("channel_archive", CHANNEL)
    wait_for(lambda: paused(watching))
    watching.driver.channel_event("channel_unarchive", CHANNEL)
    wait_for(lambda: not paused(watching))
    Board(watching).thread("Back again")

    watching.bot.relay.run_once()

    assert [m["text"] for m in watching.slack.posts(CHANNEL)] == ["New thread: Back again"]


def test_unarchiving_a_channel_without_a_private_group_only_forgets_its_audience(
    watching: LocalStack,
) -> None:
    watching.bot.audiences.refresh(CHANNEL)
    walks = len(watching.slack.calls_to("conversations.members"))

    watching.driver.channel_event("channel_unarchive", CHANNEL)

    wait_for(lambda: watching.store.channel_audience.get(CHANNEL) is None)
    assert len(watching.slack.calls_to("conversations.members")) == walks  # read when next needed


def test_unarchiving_a_private_group_channel_reviews_who_joined_while_it_was_archived(
    watching: LocalStack,
) -> None:
    watching.slack.add_user(GUEST, "Gus Guest", None, is_restricted=True)
    watching.nexudus.update("CommunityGroup", seed.BOARD_GROUP, Members=[seed.JANE_COWORKER_ID])
    watching.slack.add_channel("GBOARD", [seed.JANE], is_private=True)
    subscribe(watching.store, "GBOARD", group_id=seed.BOARD_GROUP)
    watching.bot.audiences.review("GBOARD")
    assert not watching.store.channel_audience.subscription_pauses()  # Jane alone: it fits
    watching.slack.join("GBOARD", GUEST)  # no join event for an archived channel

    watching.driver.channel_event("channel_unarchive", "GBOARD")

    [pause] = wait_for(lambda: list(watching.store.channel_audience.subscription_pauses().values()))
    assert "Gus Guest" in pause.reason


def test_admins_hear_once_of_a_pause_and_once_of_its_end(watching_for_admins: LocalStack) -> None:
    watching = watching_for_admins
    told = f"D{seed.ADMIN}"

    def notices() -> list[str]:
        watching.bot.relay.sender.deliver_due()  # the DM is queued just after the pause
        return [m["text"] for m in watching.slack.posts(told)]

    for _ in range(2):  # removed, and the same again (a retried event)
        watching.driver.member_left(CHANNEL, BOT_USER_ID)
        wait_for(notices)
    paused_notices = notices()

    watching.driver.member_joined(CHANNEL, BOT_USER_ID)
    wait_for(lambda: len(notices()) > 1)

    assert len(paused_notices) == 1 and "paused" in paused_notices[0] and CHANNEL in paused_notices[0]
    later = notices()[1:]
    assert len(later) == 1 and "resumed" in later[0]


def test_a_channel_without_subscriptions_pauses_without_telling_admins(
    watching_for_admins: LocalStack,
) -> None:
    watching = watching_for_admins
    watching.slack.add_channel("CQUIET", [seed.JANE])
    watching.driver.member_left("CQUIET", BOT_USER_ID)
    wait_for(lambda: paused(watching))
    watching.bot.relay.sender.deliver_due()

    assert watching.slack.posts(f"D{seed.ADMIN}") == []
