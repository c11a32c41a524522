"""HTTP mode under load, against the real ``python -m bot`` process: bursts, idle clients, limits."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from slack_bolt import App

from bot.http_server import EVENTS_PATH, SlackHttpServer
from emulators import seed
from emulators.slack_driver import SlackDriver
from emulators.stack import SIGNING_SECRET, LocalStack
from tests.bot.test_cli import ROOT, emulator_env, free_port, start_bot, stop_bot
from tests.conftest import wait_for

BURST = 40
HALF_OPEN = 300
# A request that stopped half-way: the request line and one header, no blank line.
PARTIAL_REQUEST = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"


@dataclass
class Served:
    stack: LocalStack
    port: int
    process: subprocess.Popen[str]

    def driver(self) -> SlackDriver:
        """A driver with its own connection pool, so each sender uses its own connection."""
        return SlackDriver(f"http://127.0.0.1:{self.port}{EVENTS_PATH}", SIGNING_SECRET, self.stack.slack)

    def stop(self) -> str:
        """SIGTERM, as a deployment stops it; returns the logs, complete once it has exited."""
        return stop_bot(self.process)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with LocalStack(directory=tmp_path) as stack:
        port = free_port()
        process = start_bot({**emulator_env(stack, tmp_path / "serve.db"), "PORT": str(port)}, tmp_path)
        running = Served(stack, port, process)
        try:
            wait_for(lambda: healthy(port), timeout=15)
            yield running
        finally:
            running.stop()


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def modals_opened(served: Served, text: str) -> list[str]:
    """Trigger ids of the ``views.open`` calls whose form carries ``text``."""
    calls = served.stack.slack.calls_to("views.open")
    return [c.args["trigger_id"] for c in calls if text in json.dumps(c.args["view"])]


def half_open(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(PARTIAL_REQUEST)
    return sock


@pytest.mark.timeout(90)
def test_a_burst_of_simultaneous_commands_is_answered_and_every_modal_opens(served: Served) -> None:
    drivers = [served.driver() for _ in range(BURST)]
    together = threading.Barrier(BURST)

    def send(driver: SlackDriver) -> int:
        together.wait()
        return driver.slash(seed.JANE, "Burst thread").status_code

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        statuses = list(pool.map(send, drivers))
    opened = wait_for(lambda: len(set(modals_opened(served, "Burst thread"))) == BURST, timeout=20)
    for driver in drivers:
        driver.http.close()
    logs = served.stop()

    assert statuses == [200] * BURST and opened
    # The emulator refuses a trigger older than Slack's 3 s: a late modal is a logged error.
    assert "expired_trigger_id" not in logs and "unhandled error" not in logs, logs
    assert logs.count("command /newthread user=UJANE -> 200") == BURST


@pytest.mark.timeout(90)
def test_hundreds_of_half_open_connections_do_not_keep_a_command_out(served: Served) -> None:
    with ExitStack() as held:
        for _ in range(HALF_OPEN):
            held.enter_context(half_open(served.port))
        driver = served.driver()
        answer = driver.slash(seed.JANE, "After the idle ones")
        opened = wait_for(lambda: modals_opened(served, "After the idle ones"))
        driver.http.close()
    logs = served.stop()

    assert answer.status_code == 200 and len(opened) == 1
    assert "expired_trigger_id" not in logs and "unhandled error" not in logs, logs


@pytest.mark.timeout(60)
def test_a_body_over_a_megabyte_is_refused_before_it_is_sent(served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n"
        )
        # Not one byte of the body has been sent: the answer cannot have waited for it.
        status_line = sock.recv(4096).split(b"\r\n")[0]

    assert status_line.startswith(b"HTTP/1.1 413"), status_line


@pytest.mark.timeout(60)
def test_health_check_answers_and_unknown_paths_are_not_found(served: Served) -> None:
    base = f"http://127.0.0.1:{served.port}"

    health = httpx.get(f"{base}/healthz", timeout=5)
    unknown = httpx.get(f"{base}/admin", timeout=5)
    events_by_get = httpx.get(f"{base}{EVENTS_PATH}", timeout=5)

    assert health.status_code == 200 and health.json()["ready"] is True  # bot/readiness.py
    assert unknown.status_code == 404 and events_by_get.status_code == 404


def bare_app() -> App:
    """A Bolt app that never reaches Slack: enough to stand behind the server."""
    return App(token="xoxb-unused", signing_secret=SIGNING_SECRET, token_verification_enabled=False)


@pytest.mark.timeout(60)
def test_connections_arriving_faster_than_they_are_accepted_wait_in_the_backlog() -> None:
    server = SlackHttpServer(bare_app(), host="127.0.0.1", port=0)  # listening, accepting nothing yet
    with ExitStack() as queued:
        queued.callback(server.stop)
        # The kernel completes a handshake only while the listen backlog has room; beyond
        # it the SYN is dropped and this connect fails after TCP's retries (its timeout).
        connected = [
            queued.enter_context(socket.create_connection(("127.0.0.1", server.port), timeout=5))
            for _ in range(BURST * 3)
        ]

    assert len(connected) == BURST * 3


@pytest.mark.timeout(30)
def test_a_connection_that_never_finishes_its_request_is_closed() -> None:
    server = SlackHttpServer(bare_app(), host="127.0.0.1", port=0, channel_timeout=1).start_in_background()
    try:
        with half_open(server.port) as sock:
            try:
                received = sock.recv(4096)
            except ConnectionResetError:
                received = b""
    finally:
        server.stop()

    assert received == b""


def test_idle_connections_are_closed_within_a_minute_by_default() -> None:
    server = SlackHttpServer(bare_app(), host="127.0.0.1", port=0)  # as serve builds it, bar the port
    server.stop()

    assert server.channel_timeout <= 60


@pytest.mark.timeout(60)
def test_serve_on_a_port_already_in_use_explains_and_exits(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack, socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**emulator_env(stack, tmp_path / "serve.db"), "PORT": str(port)}
        process = start_bot(env, tmp_path)
        _, logs = process.communicate(timeout=30)

    assert process.returncode == 1, logs
    assert f"cannot listen on port {port}" in logs and "Traceback" not in logs


def test_waitress_has_more_threads_than_bolt_has_listener_threads(stack: LocalStack) -> None:
    # Otherwise a burst of submissions, each holding its thread up to ACK_BUDGET, queues in
    # waitress, unread, while Bolt has listeners free. ThreadPoolExecutor keeps its size private.
    listeners = stack.bot.app.listener_runner.listener_executor
    assert isinstance(listeners, ThreadPoolExecutor)

    assert stack.server.threads > listeners._max_workers


def test_building_a_server_leaves_the_logging_setup_alone() -> None:
    queue_log = logging.getLogger("waitress.queue")
    level = queue_log.level

    SlackHttpServer(bare_app(), host="127.0.0.1", port=0).stop()

    assert queue_log.level == level  # quiet_queue_warnings() belongs to python -m bot's setup


LOW_FILE_LIMITS = [
    # the soft limit raised to the hard one, the connections what it holds less the headroom
    ((300, 600), "500", "600"),
    # a hard limit below the headroom still leaves a few connections, not none or fewer
    ((40, 60), "16", "60"),
]


@pytest.mark.parametrize(("limits", "connections", "soft"), LOW_FILE_LIMITS)
def test_the_connection_limit_fits_a_low_open_files_limit(
    limits: tuple[int, int], connections: str, soft: str
) -> None:
    # In a child process: the open-files limit is process-wide and cannot be raised back.
    script = (
        "import resource; from tests.bot.test_http_server import bare_app; "
        "from bot.http_server import SlackHttpServer; "
        f"resource.setrlimit(resource.RLIMIT_NOFILE, {limits}); "
        "server = SlackHttpServer(bare_app(), host='127.0.0.1', port=0); server.stop(); "
        "print(server.connection_limit, resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [connections, soft]
    assert f"serving at most {connections} connections" in done.stderr
