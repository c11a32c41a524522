"""The relay against a Nexudus that behaves as live accounts do (reference §15): records
that answer 401, ids out of creation order, and locations whose stamps are local time."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulators import seed
from emulators.stack import LocalStack
from tests.bot.relay.conftest import Board, dms_to, restarted
from tests.bot.relay.test_channels import CHANNEL, subscribe

EAST = "Australia/Brisbane"  # UTC+10, no daylight saving
WEST = "America/Phoenix"  # UTC−7, no daylight saving


def grants(stack: LocalStack) -> int:
    return stack.nexudus.logins + stack.nexudus.refreshes


def test_a_deleted_thread_and_follower_do_not_stop_a_good_reply(
    relay_stack: LocalStack, board: Board
) -> None:
    doomed = board.thread("Soon gone", InstantDelivery=True)
    board.reply(doomed, "Lost with its thread")
    relay_stack.nexudus.remove("CommunityThread", doomed)
    good = board.thread("Still here", InstantDelivery=True)
    board.follow(good)
    leaver = relay_stack.nexudus.add("User", Email="leaver@example.com", FullName="Lea Ver", Active=True)
    board.follow(good, leaver["Id"])
    relay_stack.nexudus.remove("User", leaver["Id"])  # their follow record stays behind
    board.reply(good, "Arrives all the same")
    before = grants(relay_stack)

    summary = relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    [dm] = dms_to(relay_stack, seed.JANE)
    assert "Arrives all the same" in str(dm["blocks"])
    assert "new replies: 1" in summary  # the poll completed, the orphan reply skipped
    assert grants(relay_stack) - before <= 1
    assert relay_stack.slack.posts() == [dm]


def test_many_deleted_records_cost_no_token_storm(relay_stack: LocalStack, board: Board) -> None:
    for n in range(12):
        gone = board.thread(f"Gone {n}", InstantDelivery=True)
        board.reply(gone)
        relay_stack.nexudus.remove("CommunityThread", gone)
    before = grants(relay_stack)

    relay_stack.bot.relay.run_once()

    assert grants(relay_stack) - before <= 1
    assert relay_stack.slack.posts() == []


def test_a_refused_account_still_stops_the_poll_with_a_clear_reason(relay_stack: LocalStack) -> None:
    relay_stack.nexudus.password = "changed"
    relay_stack.nexudus.revoke_sessions()

    summary = relay_stack.bot.relay.run_once()

    assert (
        "Nexudus refused the bot: Nexudus refused the login" in summary and "python -m bot check" in summary
    )


@pytest.mark.parametrize("local_times", [True, False], ids=["stamps-local-behind-Z", "stamps-in-UTC"])
def test_two_zones_interleaved_across_polls_and_restarts_deliver_everything_once(
    tmp_path: Path, local_times: bool
) -> None:
    with LocalStack(directory=tmp_path) as stack:
        stack.nexudus.set_zone(seed.CANAL_STREET, EAST)
        stack.nexudus.set_zone(seed.HARBOUR_VIEW, WEST)
        stack.nexudus.live.local_times = local_times
        stack.bot.directory.refresh()
        stack.bot.identities.resolve(seed.JANE)
        subscribe(stack)
        stack.bot.relay.run_once()  # first run: starts watching
        board = Board(stack)
        east = board.thread("East 1", business=seed.CANAL_STREET, InstantDelivery=True)
        board.follow(east)
        stack.bot.relay.run_once()
        west = board.thread("West 1", business=seed.HARBOUR_VIEW, InstantDelivery=True)
        board.follow(west)
        board.reply(east, "east reply 1")
        stack.bot.relay.run_once()
        with restarted(stack) as second:
            board.reply(west, "west reply 1")
            board.thread("West 2", business=seed.HARBOUR_VIEW)
            second.relay.run_once()
            board.reply(east, "east reply 2")
            board.thread("East 2", business=seed.CANAL_STREET)
            second.relay.run_once()
        with restarted(stack) as third:
            board.reply(west, "west reply 2")
            third.relay.run_once()
            third.relay.run_once()

        threads = [p["text"] for p in stack.slack.posts(CHANNEL) if p.get("thread_ts") is None]
        assert sorted(threads) == [f"New thread: {name}" for name in ("East 1", "East 2", "West 1", "West 2")]
        replies = [str(p["blocks"]) for p in stack.slack.posts(CHANNEL) if p.get("thread_ts")]
        assert len(replies) == 4
        dms = " ".join(str(dm["blocks"]) for dm in dms_to(stack, seed.JANE))
        assert len(dms_to(stack, seed.JANE)) == 4
        for text in ("east reply 1", "east reply 2", "west reply 1", "west reply 2"):
            assert dms.count(text) == 1
