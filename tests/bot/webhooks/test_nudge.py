"""A webhook's nudge relays as the poll does: once across processes, gone records skipped."""

from __future__ import annotations

import threading

from bot.relay.nudge import Nudger
from emulators import seed
from emulators.stack import LocalStack
from tests.bot.relay.conftest import Board, board, dms_to, relay_stack, restarted

__all__ = ["board", "relay_stack"]  # the relay tests' fixtures, used here too


def test_two_processes_nudged_about_one_reply_send_one_dm(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread("Bike shed", InstantDelivery=True)
    board.follow(thread)
    reply = board.reply(thread, "Racks arrive Monday")

    with restarted(relay_stack) as other:
        nudgers = [Nudger(relay_stack.bot.relay, relay_stack.portal), Nudger(other.relay, relay_stack.portal)]
        runs = [threading.Thread(target=n.nudge, args=([thread], [reply])) for n in nudgers]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        relay_stack.bot.relay.run_once()

    assert len(dms_to(relay_stack, seed.JANE)) == 1


def test_a_reply_deleted_before_its_nudge_is_skipped_and_marked_seen(
    relay_stack: LocalStack, board: Board
) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    reply = board.reply(thread, "Oops")
    relay_stack.nexudus.remove("CommunityMessage", reply)
    nudger = Nudger(relay_stack.bot.relay, relay_stack.portal)

    summary = nudger.nudge([], [reply])

    assert "new replies: 0" in summary
    assert relay_stack.store.relay_state.unseen("replies", [reply]) == []
    assert dms_to(relay_stack, seed.JANE) == []
