"""Benchmark: /newthread latency against the emulators, beside a bare Bolt app.

Prints, for N slash commands, the median and p95 time from the signed request to
``views.open`` for this bot and for a bare Bolt app that only acks and opens a static
modal (run interleaved, in one process, through the same HTTP server), their ratio,
and the time from submission to the Nexudus create call. Asserts nothing.

    python tests/perf/bench_newthread.py --n 200
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.http_server import EVENTS_PATH, SlackHttpServer
from emulators import seed
from emulators.slack_driver import SlackDriver
from emulators.stack import SIGNING_SECRET, LocalStack

STATIC_MODAL = {
    "type": "modal",
    "callback_id": "bare",
    "title": {"type": "plain_text", "text": "Bare"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
}


def bare_app(api_url: str) -> App:
    app = App(
        client=WebClient(token="xoxb-bare", base_url=api_url),
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
    )

    def open_static(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=STATIC_MODAL)

    app.command("/newthread")(open_static)
    return app


def time_to_views_open(stack: LocalStack, driver: SlackDriver, user: str) -> float:
    before = len(stack.slack.calls_to("views.open"))
    started = time.monotonic()
    driver.slash(user, "Benchmark thread")
    return wait(lambda: stack.slack.calls_to("views.open")[before:]).at - started


def time_to_create(stack: LocalStack) -> float:
    before = len(stack.slack.calls_to("views.open"))
    stack.driver.slash(seed.JANE, "Benchmark thread")
    view = {**wait(lambda: stack.slack.calls_to("views.open")[before:]).args["view"], "id": "VB"}
    creates = len(stack.nexudus.calls("POST", "/api/community/communitythreads"))
    started = time.monotonic()
    stack.driver.submit(seed.JANE, view, location=seed.CANAL_STREET, message="Timing the path")
    return wait(lambda: stack.nexudus.calls("POST", "/api/community/communitythreads")[creates:]).at - started


def wait(probe: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found[0]
        time.sleep(0.001)
    raise RuntimeError("timed out")


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{name:<34} median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="slash commands per app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, LocalStack(directory=Path(tmp)) as stack:
        stack.bot.directory.refresh()
        stack.bot.identities.resolve(seed.JANE)
        server = SlackHttpServer(
            bare_app(stack.slack.api_url), host="127.0.0.1", port=0
        ).start_in_background()
        bare = SlackDriver(f"http://127.0.0.1:{server.port}{EVENTS_PATH}", SIGNING_SECRET, stack.slack)
        bot_open, bare_open = [], []
        for _ in range(args.n):
            bot_open.append(time_to_views_open(stack, stack.driver, seed.JANE))
            bare_open.append(time_to_views_open(stack, bare, seed.JANE))
        creates = [time_to_create(stack) for _ in range(args.n)]
        server.stop()
        bare.http.close()
    print(f"/newthread benchmark, N={args.n} per app, emulated Slack and Nexudus on loopback")
    print(summary("request -> views.open (this bot)", bot_open))
    print(summary("request -> views.open (bare Bolt)", bare_open))
    ratio = statistics.median(bot_open) / statistics.median(bare_open)
    print(f"{'median ratio bot / bare':<34} {ratio:.2f}x   (goal: at most 1.5x)")
    print(summary("submission -> Nexudus create", creates))


if __name__ == "__main__":
    main()
