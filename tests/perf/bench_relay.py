"""Benchmark: the relay's cost against the emulators as the board grows.

Prints, for boards of 10, 1,000 and 10,000 threads: Nexudus calls for an idle poll and
for a poll with K new replies across T threads; time to deliver each message (our own
overhead: distinct DMs, so Slack's per-channel pacing does not enter); the window
between Slack accepting a message and SQLite recording it; peak traced memory.
Asserts nothing.

    python tests/perf/bench_relay.py --sizes 10 1000 10000 --replies 20 --threads 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import utc_now
from bot.emulators import seed
from bot.emulators.nexudus_data import stamp
from bot.emulators.stack import LocalStack


def seed_board(stack: LocalStack, size: int) -> list[int]:
    now = datetime.now(UTC)
    ids = []
    for n in range(size):
        created = stamp(now - timedelta(hours=size - n))
        record = stack.nexudus.add(
            "CommunityThread",
            BusinessId=seed.CANAL_STREET,
            UserId=seed.OMAR_USER_ID,
            Subject=f"Thread {n}",
            Message="m",
            InstantDelivery=True,
            CreatedOn=created,
            UpdatedOn=created,
        )
        ids.append(int(record["Id"]))
    return ids


def add_followers(stack: LocalStack, threads: list[int], per_thread: int) -> None:
    for t, thread_id in enumerate(threads):
        for f in range(per_thread):
            email = f"member{t}-{f}@example.com"
            user_id = int(stack.nexudus.add("User", Email=email, FullName=f"Member {t}-{f}")["Id"])
            stack.slack.add_user(f"UM{t}X{f}", f"Member {t} {f}", email)
            stack.nexudus.add("CommunityThreadFollow", ThreadId=thread_id, UserId=user_id)


def calls(stack: LocalStack) -> int:
    return len([r for r in stack.nexudus.calls() if r.path != "/api/token"])


def measure(size: int, replies: int, threads: int, followers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, LocalStack(directory=Path(tmp)) as stack:
        stack.bot.services.directory.refresh()
        ids = seed_board(stack, size)
        active = ids[-threads:]
        add_followers(stack, active, followers)
        relay = stack.bot.relay
        relay.run_once()
        before = calls(stack)
        relay.run_once()
        idle = calls(stack) - before
        for n in range(replies):
            stack.nexudus.add(
                "CommunityMessage",
                CommunityThreadId=active[n % threads],
                UserId=seed.OMAR_USER_ID,
                Message=f"reply {n}",
            )
        tracemalloc.start()
        before = calls(stack)
        started = time.perf_counter()
        relay.poll_and_record(utc_now())
        planned = time.perf_counter() - started
        active_calls = calls(stack) - before
        started = time.perf_counter()
        sent = relay.sender.deliver_due()
        delivering = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        window = record_window(stack)
        return {
            "idle": idle,
            "active": active_calls,
            "planned": planned,
            "sent": sent,
            "per_message_ms": 1000 * delivering / max(sent, 1),
            "peak_mb": peak / 2**20,
            "window_ms": window,
        }


def record_window(stack: LocalStack, samples: int = 50) -> float:
    """Median time of the SQLite write that marks a message sent, after Slack accepted it."""
    outbox = stack.store.outbox
    timings = []
    for message in outbox.in_state("sent", samples):
        started = time.perf_counter()
        outbox.mark_sent(message.key, message.channel or "", message.ts or "", utc_now())
        timings.append(time.perf_counter() - started)
    return 1000 * statistics.median(timings) if timings else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--replies", type=int, default=20, help="K new replies in the active poll")
    parser.add_argument("--threads", type=int, default=5, help="T threads they are spread over")
    parser.add_argument("--followers", type=int, default=3, help="followers of each active thread")
    args = parser.parse_args()
    print(
        f"relay benchmark: K={args.replies} replies across T={args.threads} threads, "
        f"{args.followers} followers each (emulated Nexudus and Slack on loopback)"
    )
    print(
        f"{'board':>8} {'idle calls':>11} {'active calls':>13} {'plan s':>8} {'sent':>5} "
        f"{'ms/message':>11} {'record ms':>10} {'peak MB':>8}"
    )
    for size in args.sizes:
        r = measure(size, args.replies, args.threads, args.followers)
        print(
            f"{size:>8} {r['idle']:>11.0f} {r['active']:>13.0f} {r['planned']:>8.2f} {r['sent']:>5.0f} "
            f"{r['per_message_ms']:>11.2f} {r['window_ms']:>10.3f} {r['peak_mb']:>8.1f}"
        )
    print("idle calls: the whole idle poll (all locations); goal at most 2 per location.")


if __name__ == "__main__":
    main()
