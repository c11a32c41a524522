"""Benchmark: a burst of simultaneous /newthread commands against the real ``python -m bot``.

Starts the bot as its own process in HTTP mode against the emulators, fires N signed slash
commands at the same moment (one thread and one connection each), and prints p50/p95/max of
request -> response and request -> ``views.open``, and how many modals opened within
Slack's 3 seconds; then the same while H half-open connections are held. Asserts nothing.

    python tests/perf/bench_http_burst.py --n 40 --half-open 300
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from bot.http_server import EVENTS_PATH
from bot.scopes import BOT_SCOPES
from emulators import seed
from emulators.nexudus import FakeNexudus
from emulators.slack import TRIGGER_LIFETIME, FakeSlack
from emulators.slack_driver import SlackDriver
from emulators.stack import SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def served_bot(directory: Path) -> Iterator[tuple[FakeSlack, int]]:
    """Both emulators, seeded, and ``python -m bot`` in HTTP mode pointing at them."""
    slack = FakeSlack(scopes=",".join(sorted(BOT_SCOPES))).start()
    nexudus = FakeNexudus().start()
    seed.seed_portal(nexudus)
    seed.seed_slack(slack)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NEXUDUS_", "BOT_"))}
    env |= {
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-local",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "NEXUDUS_URL": nexudus.url,
        "NEXUDUS_USERNAME": nexudus.username,
        "NEXUDUS_PASSWORD": nexudus.password,
        "BOT_DATABASE": str(directory / "bench.db"),
        "PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], env=env, cwd=directory, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_healthy(port)
        yield slack, port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        slack.stop()
        nexudus.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the bot never answered /healthz")


def burst(slack: FakeSlack, port: int, n: int, label: str) -> None:
    """N commands released together; each carries its own title to find its views.open."""
    drivers = [SlackDriver(f"http://127.0.0.1:{port}{EVENTS_PATH}", SIGNING_SECRET, slack) for _ in range(n)]
    together = threading.Barrier(n)

    def send(index: int) -> tuple[str, float, float, int]:
        together.wait()
        started = time.monotonic()  # the trigger id is made just after this
        status = drivers[index].slash(seed.JANE, f"{label} {index:04d}").status_code
        return f"{label} {index:04d}", started, time.monotonic() - started, status

    with ThreadPoolExecutor(max_workers=n) as pool:
        sent = list(pool.map(send, range(n)))
    for driver in drivers:
        driver.http.close()
    opened = views_opened(slack, [title for title, *_ in sent])
    to_open = [opened[title] - started for title, started, *_ in sent if title in opened]
    print(f"{label}: {n} commands, {sum(s == 200 for *_, s in sent)} answered 200")
    print(percentiles("  request -> response", [elapsed for _, _, elapsed, _ in sent]))
    print(percentiles("  request -> views.open", to_open))
    in_time = sum(t <= TRIGGER_LIFETIME for t in to_open)
    print(f"  modals opened within Slack's {TRIGGER_LIFETIME:.0f} s: {in_time}/{n}")


def views_opened(slack: FakeSlack, titles: list[str], timeout: float = 10.0) -> dict[str, float]:
    """When ``views.open`` was called for each title (those seen before ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = {
            title: call.at
            for call in slack.calls_to("views.open")
            for title in titles
            if title in str(call.args.get("view"))
        }
        if len(found) == len(titles) or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def percentiles(name: str, samples: list[float]) -> str:
    if not samples:
        return f"{name:<26} no samples"
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    marks = {"p50": p50, "p95": p95, "max": ordered[-1]}
    return f"{name:<26} " + "   ".join(f"{mark} {value * 1000:7.1f} ms" for mark, value in marks.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="simultaneous slash commands")
    parser.add_argument("--half-open", type=int, default=300, help="half-open connections held")
    args = parser.parse_args()
    print(f"HTTP burst benchmark against the real serve process, N={args.n}, on loopback")
    with tempfile.TemporaryDirectory() as tmp, served_bot(Path(tmp)) as (slack, port):
        burst(slack, port, args.n, "Burst")
        with ExitStack() as held:
            for _ in range(args.half_open):
                sock = held.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
                sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n")  # and then nothing
            burst(slack, port, args.n, f"Burst with {args.half_open} half-open")


if __name__ == "__main__":
    main()
