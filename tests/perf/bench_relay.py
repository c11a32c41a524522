"""Benchmark: the relay's cost against the emulators as the board grows.

Prints, for boards of 10, 1,000 and 10,000 threads: Nexudus calls for an idle poll and
for a poll with K new replies across T threads; time to deliver each message (our own
overhead: distinct DMs, so Slack's per-channel pacing does not enter); the window
between Slack accepting a message and SQLite recording it; peak traced memory.
Then the idle poll's cost with 1, 3 and 10 locations whose stamps are local to each zone.
Then one sender against two on one database (separate processes, as ``serve`` beside
``relay --once``): time, messages per second, duplicates (must be 0) and that window
under contention. Asserts nothing.

    python tests/perf/bench_relay.py --sizes 10 1000 10000 --replies 20 --threads 5 --messages 1000
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from slack_sdk import WebClient

from bot.clock import utc_now
from bot.portal.timestamps import minute_text
from bot.relay.delivery import OutboxSender
from bot.relay.watch import window_start
from bot.slack_users import SlackUsers
from emulators import seed
from emulators.slack import FakeSlack
from emulators.stack import LocalStack
from store import Store
from store.relay_models import OutboxMessage


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
        stack.bot.directory.refresh()
        ids = seed.board_history(stack.nexudus, size, InstantDelivery=True)
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


def concurrent_senders(messages: int) -> None:
    """One sender against two on one database, each a process of its own."""
    print(
        f"\nsenders on one database: {messages} messages, each to its own channel so Slack's "
        "per-channel pacing does not enter (separate processes; Slack emulator on loopback)"
    )
    print(
        f"{'senders':>8} {'sent by each':>13} {'seconds':>8} {'msg/s':>7} {'duplicates':>11} "
        f"{'record ms median':>17} {'p99':>6} {'max':>6}"
    )
    for senders in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            slack = FakeSlack().start()
            database = str(Path(tmp) / "bot.db")
            queue_messages(database, messages)
            runs = run_senders(database, slack.api_url, senders)
            texts = Counter(str(m["text"]) for m in slack.posts())
            slack.stop()
        seconds = max(r.finished for r in runs) - min(r.started for r in runs)
        windows = sorted(w for r in runs for w in r.windows)
        missing = messages - len(texts)
        print(
            f"{senders:>8} {'/'.join(str(r.sent) for r in runs):>13} {seconds:>8.2f} "
            f"{messages / seconds:>7.0f} {sum(n - 1 for n in texts.values()):>11} "
            f"{statistics.median(windows):>17.3f} {windows[int(0.99 * (len(windows) - 1))]:>6.2f} "
            f"{windows[-1]:>6.2f}{f'  {missing} NEVER SENT' if missing else ''}"
        )
    print(
        "record ms: mark_sent after Slack accepted a message, the one window in which a crash "
        "repeats it; with two senders it includes waiting for the other's write."
    )


@dataclass
class SenderRun:
    sent: int
    started: float
    finished: float
    windows: list[float]  # ms of each mark_sent


def queue_messages(database: str, messages: int) -> None:
    store = Store(database)
    now = utc_now()
    store.outbox.add(
        [
            OutboxMessage(key=f"m{n}", target=f"C{n:05d}", text=f"m{n}", blocks=[], created_at=now)
            for n in range(messages)
        ]
    )
    store.close()


def run_senders(database: str, api_url: str, senders: int) -> list[SenderRun]:
    spawn = multiprocessing.get_context("spawn")
    ready, results = spawn.Barrier(senders + 1), spawn.Queue()
    workers = [
        spawn.Process(target=send_all, args=(database, api_url, ready, results)) for _ in range(senders)
    ]
    for worker in workers:
        worker.start()
    ready.wait()  # every sender has imported and connected: the race starts now
    runs = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    return runs


def send_all(database: str, api_url: str, ready: Barrier, results: Queue[SenderRun]) -> None:
    """A sender process: deliver until nothing is pending, timing each mark_sent."""
    store = Store(database)
    client = WebClient(token="xoxb-local", base_url=api_url)
    outbox = store.outbox
    windows: list[float] = []
    mark_sent = outbox.mark_sent

    def timed_mark_sent(key: str, channel: str, ts: str, now: datetime) -> None:
        started = time.perf_counter()
        mark_sent(key, channel, ts, now)
        windows.append(1000 * (time.perf_counter() - started))

    outbox.mark_sent = timed_mark_sent  # type: ignore[method-assign]
    slack_users = SlackUsers(client, reported=store.slack_profiles)
    sender = OutboxSender(client, outbox, slack_users, turns=store.channel_turns)
    ready.wait()
    started, sent = time.time(), 0
    while outbox.count("pending"):
        done = sender.deliver_due()
        if not done:
            time.sleep(0.01)  # the rest are claimed by the other sender: let it finish them
        sent += done
    results.put(SenderRun(sent, started, time.time(), windows))
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--replies", type=int, default=20, help="K new replies in the active poll")
    parser.add_argument("--threads", type=int, default=5, help="T threads they are spread over")
    parser.add_argument("--followers", type=int, default=3, help="followers of each active thread")
    parser.add_argument("--messages", type=int, default=1000, help="messages for one sender against two")
    parser.add_argument("--locations", type=int, nargs="+", default=[1, 3, 10], help="locations, in zones")
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
    idle_cost_by_zones(args.locations)
    concurrent_senders(args.messages)


def idle_cost_by_zones(counts: list[int]) -> None:
    """Idle poll cost on accounts whose locations stamp in their own zones (UTC−7 … UTC+12)."""
    print(f"\n{'locations':>9} {'idle calls':>11} {'threads in window':>18}")
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp, LocalStack(directory=Path(tmp), seed=False) as stack:
            seed.locations_in_many_zones(stack.nexudus, count)
            stack.bot.directory.refresh()
            stack.bot.relay.run_once()  # first run: learns the board
            before = calls(stack)
            stack.bot.relay.run_once()
            idle = calls(stack) - before
            zones = [loc.time_zone for loc in stack.bot.directory.locations()]
            now = utc_now()
            listed = stack.portal.threads_created_since(minute_text(window_start(now, zones, now)))
            print(f"{count:>9} {idle:>11} {len(listed):>18}")
    print("threads in window: rows an idle poll lists again (seen, dropped by id) - rows, not calls.")


if __name__ == "__main__":
    main()
