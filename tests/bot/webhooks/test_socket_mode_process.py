"""A real ``python -m bot`` in Socket Mode with a webhook secret: its listener on PORT takes
Nexudus's signed pushes (and reads the record they name), answers /healthz, and nothing of Slack's."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.job_runs import RELAY_POLL
from bot.webhooks.signature import sign
from emulators.socket_mode import FakeSocketMode
from emulators.stack import LocalStack
from store import Store
from tests.bot.relay.conftest import Board
from tests.bot.test_cli import emulator_env, free_port, start_bot, stop_bot
from tests.conftest import wait_for

SECRET = "a-shared-secret-of-24-chars"


def test_socket_mode_serve_takes_signed_webhooks_on_its_port(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        socket_mode = FakeSocketMode()
        stack.slack.socket_mode_url = socket_mode.url
        port = free_port()
        env = {
            **emulator_env(stack, tmp_path / "socket.db"),
            "SLACK_APP_TOKEN": "xapp-1-local",
            "NEXUDUS_WEBHOOK_SECRET": SECRET,
            "PORT": str(port),
        }
        del env["SLACK_SIGNING_SECRET"]
        process = start_bot(env, tmp_path)
        base = f"http://127.0.0.1:{port}"
        try:
            assert socket_mode.connected.wait(timeout=20), "the bot never opened its socket"
            wait_for(lambda: _answers(base + "/healthz"), timeout=20)
            # After the first poll (it starts watching from now), so the thread is new to it.
            watched = Store(tmp_path / "socket.db")
            try:
                wait_for(lambda: watched.relay_state.last_run(RELAY_POLL), timeout=20)
            finally:
                watched.close()
            thread = Board(stack).thread(InstantDelivery=True)
            body = f'[{{"Id": {thread}, "Subject": "Pushed"}}]'.encode()
            headers = {"Content-Type": "application/json"}
            signed = httpx.post(
                base + "/nexudus/webhooks",
                content=body,
                headers={**headers, "X-Nexudus-Hook-Signature": sign(body, SECRET)},
            )
            unsigned = httpx.post(base + "/nexudus/webhooks", content=body, headers=headers)
            slack = httpx.post(base + "/slack/events", content=b"{}")
            read = f"/api/community/communitythreads/{thread}"
            wait_for(lambda: [r for r in stack.nexudus.requests if r.path == read], timeout=20)
        finally:
            logs = stop_bot(process)
            socket_mode.stop()

    assert (signed.status_code, unsigned.status_code, slack.status_code) == (200, 401, 404)
    assert process.returncode == 0, logs
    assert SECRET not in logs


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code in (200, 503)
    except httpx.HTTPError:
        return False
