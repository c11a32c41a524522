"""Benchmark: a member's reply in a Slack thread → the portal reply, through the real app.

Sends N signed ``message`` events (replies under a relayed channel post, one after another)
to the bot behind its HTTP server, against the emulators on loopback, and prints the median
and p95 time from the event's request to the Nexudus create (``POST communitymessages``)
and to the check-mark reaction the member sees. Asserts nothing.

    python tests/perf/bench_two_way.py --n 100
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.relay.keys import ChannelPostKey
from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.reply_notices import POSTED_REACTION

CHANNEL = "CBENCH"
MESSAGES = "/api/community/communitymessages"
T = TypeVar("T")


def relayed_thread(stack: LocalStack) -> str:
    """A new thread relayed to CHANNEL; returns its post's ts (the Slack thread to reply in)."""
    stack.bot.directory.refresh()
    stack.bot.identities.resolve(seed.JANE)
    stack.bot.relay.run_once()
    stack.store.subscriptions.add(
        channel_id=CHANNEL, mode="instant", business_id=None, group_id=None, tag=None,
        digest_time=None, created_by=seed.ADMIN, now=stack.bot.clock(),
    )  # fmt: skip
    thread = stack.nexudus.add(
        "CommunityThread", BusinessId=seed.CANAL_STREET, UserId=seed.OMAR_USER_ID, Subject="Bench",
        Message="Timing replies", Private=False, InstantDelivery=False,
    )  # fmt: skip
    stack.bot.relay.run_once()
    sent = stack.store.outbox.get(ChannelPostKey(thread["Id"], CHANNEL).text())
    assert sent is not None and sent.ts is not None
    return sent.ts


def one_reply(stack: LocalStack, parent: str, n: int) -> tuple[float, float]:
    """(seconds to the Nexudus create, seconds to the reaction) for one reply."""
    creates = len(stack.nexudus.calls("POST", MESSAGES))
    started = time.monotonic()
    ts, _ = stack.driver.message(seed.JANE, CHANNEL, f"Reply {n}", thread_ts=parent)
    created = wait(lambda: stack.nexudus.calls("POST", MESSAGES)[creates:])[0].at
    wait(lambda: (CHANNEL, ts, POSTED_REACTION) in stack.slack.reactions)
    reacted = next(
        c.at for c in reversed(stack.slack.calls_to("reactions.add")) if c.args.get("timestamp") == ts
    )
    return created - started, reacted - started


def wait(probe: Callable[[], T], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.001)
    raise RuntimeError("timed out")


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{name:<36} median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="replies to send")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, LocalStack(directory=Path(tmp)) as stack:
        parent = relayed_thread(stack)
        timings = [one_reply(stack, parent, n) for n in range(args.n)]
    print(f"Slack reply -> portal reply, N={args.n}, emulated Slack and Nexudus on loopback")
    print(summary("event request -> Nexudus create", [created for created, _ in timings]))
    print(summary("event request -> reaction in Slack", [reacted for _, reacted in timings]))


if __name__ == "__main__":
    main()
