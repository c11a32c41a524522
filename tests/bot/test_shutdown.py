"""SIGTERM while a message is being sent: that message goes once, the rest wait unclaimed,
the process exits by itself, and the next process sends the rest once. In both run modes,
with ``python -m bot`` as its own process."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bot.clock import utc_now
from bot.relay.keys import DmTarget
from bot.serve import stop_on_signals, wait_until_stopped
from emulators import seed
from emulators.socket_mode import FakeSocketMode
from emulators.stack import LocalStack
from store import Store
from store.relay_models import OutboxMessage
from tests.bot.test_cli import emulator_env, free_port, start_bot, stop_bot
from tests.conftest import wait_for

# Three people, so three DM channels: no per-channel pacing between the sends.
PEOPLE = (seed.JANE, seed.OMAR, seed.LEE)
SEND_TIME = 3.0  # how long Slack takes over each chat.postMessage in the first run
# Docker and systemd send SIGKILL 10 s after SIGTERM.
KILLED_AFTER = 10.0
# Long enough for a loaded CI machine; a bot that sleeps through SIGTERM never wakes at all.
WATCHDOG_SECONDS = 30.0


def queue_messages(database: Path) -> None:
    store = Store(database)
    store.outbox.add(
        [
            OutboxMessage(key=f"notice:{user}", target=DmTarget(user).text(), text=f"For {user}", blocks=[],
                          created_at=utc_now())
            for user in PEOPLE
        ]
    )  # fmt: skip
    store.close()


def outbox_rows(database: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT key, state, claimed_by FROM outbox WHERE key LIKE 'notice:%'")
        return {key: (state, claimed_by) for key, state, claimed_by in rows}


@contextmanager
def running_bot(
    stack: LocalStack, database: Path, mode: str, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """``python -m bot`` in HTTP mode or Socket Mode, with /healthz on its PORT either way."""
    port = free_port()
    env = {**emulator_env(stack, database), "PORT": str(port)}
    socket_mode = None
    if mode == "socket":
        socket_mode = FakeSocketMode()
        stack.slack.socket_mode_url = socket_mode.url
        env["SLACK_APP_TOKEN"] = "xapp-1-local"
        del env["SLACK_SIGNING_SECRET"]
    process = start_bot(env, tmp_path)
    try:
        wait_for(lambda: _answers(port), timeout=20)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        if socket_mode is not None:
            socket_mode.stop()


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (200, 503)
    except httpx.TransportError:
        return False


@pytest.mark.parametrize("mode", ["http", "socket"])
@pytest.mark.timeout(120)
def test_sigterm_mid_send_delivers_that_message_once_and_leaves_the_rest_to_the_next_process(
    tmp_path: Path, mode: str
) -> None:
    database = tmp_path / "serve.db"
    with LocalStack(directory=tmp_path) as stack:
        queue_messages(database)
        stack.slack.delays["chat.postMessage"] = SEND_TIME
        with running_bot(stack, database, mode, tmp_path) as first:
            wait_for(lambda: stack.slack.calls_to("chat.postMessage"), timeout=30)  # one under way
            logs = stop_bot(first, KILLED_AFTER)

            assert first.returncode == 0, logs
        after_first = outbox_rows(database)
        posted_first = [m["text"] for m in stack.slack.messages]

        del stack.slack.delays["chat.postMessage"]
        with running_bot(stack, database, mode, tmp_path) as second:
            wait_for(lambda: len(stack.slack.messages) >= len(PEOPLE), timeout=30)
            stop_bot(second, KILLED_AFTER)

    assert len(posted_first) == 1 and not stack.slack.abandoned  # finished, not cut off
    assert sorted(state for state, _ in after_first.values()) == ["pending", "pending", "sent"]
    assert all(claimed_by is None for _, claimed_by in after_first.values())
    assert sorted(m["text"] for m in stack.slack.messages) == sorted(f"For {user}" for user in PEOPLE)
    assert "received SIGTERM" in logs


def test_a_sigterm_taken_by_another_thread_still_stops_the_bot() -> None:
    # The kernel hands a process's SIGTERM to any of its threads; under load it is often a
    # worker's. Python runs the handler in the main thread only, so the main thread must not
    # sleep through it (a bot that did hung until SIGKILL).
    stop, waited_out = threading.Event(), threading.Event()
    main = threading.get_ident()
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    stop_on_signals(stop)

    def worker_takes_sigterm() -> None:
        wait_for(lambda: _blocked_in_wait(main), timeout=5)  # asleep, not running bytecode
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)

    def watchdog() -> None:
        if not stop.wait(WATCHDOG_SECONDS):
            waited_out.set()
            stop.set()  # so that the test ends either way

    try:
        threading.Thread(target=watchdog, daemon=True).start()
        threading.Thread(target=worker_takes_sigterm).start()
        wait_until_stopped(stop)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    assert not waited_out.is_set(), "the main thread slept through SIGTERM"


def _blocked_in_wait(thread_id: int) -> bool:
    """The thread is asleep on a lock inside ``wait_until_stopped``."""
    frame = sys._current_frames().get(thread_id)
    if frame is None or frame.f_code is not threading.Condition.wait.__code__:
        return False
    while frame is not None and frame.f_code is not wait_until_stopped.__code__:
        frame = frame.f_back
    return frame is not None
