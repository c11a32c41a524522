"""Benchmark: portal reply → Slack DM latency, pushed by a webhook vs found by the poll.

Runs the real bot against the emulators on loopback. Push: webhooks installed and signed;
the emulator POSTs each new reply to the bot, which reads it back and DMs the follower (no
poll runs). Poll: no webhooks; the real scheduler polls every ``--poll-seconds``. Latency
runs from the emulator's creation of the reply to FakeSlack receiving ``chat.postMessage``.
Replies in poll mode are made at random moments, so they land anywhere in the interval.
Prints median, p95 and max per mode; goal: push p95 under 2 s. Asserts nothing.

    python tests/perf/bench_push.py --n 20 --poll-seconds 60
    python tests/perf/bench_push.py --n 3 --poll-seconds 2     # CI smoke run
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bot.scheduler import build_scheduler
from bot.webhooks.registry import WebhookRegistry, receiver_url
from emulators import seed
from emulators.stack import LocalStack

SECRET = "bench-secret"
GOAL_P95 = 2.0


def followed_thread(stack: LocalStack) -> int:
    thread = stack.nexudus.add(
        "CommunityThread",
        BusinessId=seed.CANAL_STREET,
        UserId=seed.OMAR_USER_ID,
        Subject="Benchmark",
        Message="Latency",
        InstantDelivery=True,
    )
    stack.nexudus.add("CommunityThreadFollow", ThreadId=thread["Id"], UserId=seed.JANE_USER_ID)
    return int(thread["Id"])


def one_reply(stack: LocalStack, thread_id: int, number: int, timeout: float) -> float:
    """Seconds from the reply's creation to its DM reaching Slack."""
    before = len(stack.slack.calls_to("chat.postMessage"))
    created = time.monotonic()
    stack.nexudus.add(
        "CommunityMessage", CommunityThreadId=thread_id, UserId=seed.OMAR_USER_ID, Message=f"reply {number}"
    )
    deadline = created + timeout
    while time.monotonic() < deadline:
        calls = stack.slack.calls_to("chat.postMessage")[before:]
        if calls:
            return calls[0].at - created
        time.sleep(0.005)
    raise TimeoutError(f"reply {number} not delivered within {timeout:.0f} s")


def started(directory: Path, **settings: object) -> LocalStack:
    stack = LocalStack(directory=directory, **settings)  # type: ignore[arg-type]
    stack.bot.directory.refresh()
    stack.bot.identities.resolve(seed.JANE)
    stack.bot.relay.run_once()  # the relay watches from now
    return stack


def push_latencies(n: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp, started(Path(tmp), nexudus_webhook_secret=SECRET) as stack:
        stack.nexudus.webhook_secret = SECRET
        WebhookRegistry(stack.portal, receiver_url(f"http://127.0.0.1:{stack.server.port}")).install()
        thread = followed_thread(stack)
        return [one_reply(stack, thread, i, timeout=30) for i in range(n)]


def poll_latencies(n: int, poll_seconds: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp, started(Path(tmp), poll_seconds=poll_seconds) as stack:
        thread = followed_thread(stack)
        stop = threading.Event()
        jobs = stack.background_jobs(stop)
        scheduler = build_scheduler(jobs, stack.store.relay_state, poll_seconds=poll_seconds)
        scheduler.start()
        try:
            latencies = []
            for i in range(n):
                time.sleep(random.uniform(0, poll_seconds))
                latencies.append(one_reply(stack, thread, i, timeout=poll_seconds * 3 + 30))
            return latencies
        finally:
            stop.set()
            scheduler.shutdown(wait=True)


def row(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{name:<28} {len(ordered):>4} {statistics.median(ordered):>10.3f} {p95:>10.3f} {ordered[-1]:>10.3f}"
    )


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--n", type=int, default=20, help="replies per mode")
    parser.add_argument("--poll-seconds", type=int, default=60, help="BOT_POLL_SECONDS in poll mode")
    args = parser.parse_args()
    push = push_latencies(args.n)
    poll = poll_latencies(args.n, args.poll_seconds)
    print(f"{'portal reply -> Slack DM (s)':<28} {'n':>4} {'median':>10} {'p95':>10} {'max':>10}")
    print(row("push (webhook)", push))
    print(row(f"poll every {args.poll_seconds} s", poll))
    verdict = "met" if sorted(push)[round(0.95 * (len(push) - 1))] < GOAL_P95 else "NOT met"
    print(f"goal: push p95 under {GOAL_P95:g} s: {verdict}")


if __name__ == "__main__":
    main()
