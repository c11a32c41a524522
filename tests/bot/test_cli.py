"""The command line: missing configuration, check and demo, as a newcomer would run them."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.check import run_checks
from bot.config import Settings
from bot.scopes import BOT_SCOPES
from emulators import seed
from emulators.slack_driver import SlackDriver
from emulators.socket_mode import FakeSocketMode
from emulators.stack import SIGNING_SECRET, LocalStack
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def clean_environment(env: dict[str, str]) -> dict[str, str]:
    """This machine's environment without any bot settings, plus ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NEXUDUS_", "BOT_"))}
    return {**clean, "PYTHONPATH": str(ROOT), **env}


def start_bot(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """``python -m bot`` (serve) as its own process, as a deployment runs it."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        env=clean_environment(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_bot(process: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """SIGTERM, as a deployment stops the bot; its logs once it has exited. A bot still
    running after ``timeout`` fails the test and is killed, not left to haunt the next one."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _, logs = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, logs = process.communicate()
        pytest.fail(f"the bot was still running {timeout:.0f} s after SIGTERM; its logs:\n{logs}")
    return logs


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=clean_environment(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unconfigured_bot_says_what_is_missing_and_points_to_the_demo(tmp_path: Path) -> None:
    done = run_cli(env={}, cwd=tmp_path)

    assert done.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "NEXUDUS_USERNAME", "NEXUDUS_PASSWORD"):
        assert name in done.stderr
    assert "python -m bot demo" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_is_green_against_the_emulators(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        done = run_cli("check", env=emulator_env(stack, tmp_path / "check.db"), cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok    database",
        "ok    slack auth",
        "ok    slack scopes",
        "ok    nexudus login",
        "ok    nexudus read",
        "ok    time zone",
        "ok    thread links",
        "ok    paused",
    ]
    assert lines[-1] == "all checks passed"


def test_check_explains_failures_without_a_traceback(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        stack.slack.scopes = "chat:write,commands"
        settings = Settings.model_validate(
            {
                **stack.settings.model_dump(),
                "nexudus_password": "wrong",
                "database": str(tmp_path / "check.db"),
            }
        )
        out = io.StringIO()

        code = run_checks(settings, out)

    report = out.getvalue()
    assert code == 1
    lacking = ", ".join(sorted(BOT_SCOPES - {"chat:write", "commands"}))
    assert f"FAIL  slack scopes: the token lacks {lacking}" in report
    assert "FAIL  nexudus login: Nexudus refused the login for NEXUDUS_USERNAME" in report
    assert "wrong" not in report


def test_check_reports_an_unreachable_slack(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        settings = Settings.model_validate(
            {
                **stack.settings.model_dump(),
                "slack_api_url": "http://127.0.0.1:9/api/",
                "database": str(tmp_path / "check.db"),
            }
        )
        out = io.StringIO()

        code = run_checks(settings, out)

    assert code == 1 and "FAIL  slack auth" in out.getvalue()


def test_demo_runs_green_with_no_environment(tmp_path: Path) -> None:
    done = run_cli("demo", env={}, cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nexudus received POST /api/community/communitythreads" in done.stdout
    assert '"Subject": "Lost keys near the kitchen"' in done.stdout
    assert '"Guests": [' in done.stdout and "shared it in channel" in done.stdout
    assert "Jane gets a DM: New reply on *Lost keys near the kitchen*" in done.stdout
    assert "#community gets: *New threads* (1)" in done.stdout


def emulator_env(stack: LocalStack, database: Path) -> dict[str, str]:
    """The environment a real deployment would set, pointing at the emulators."""
    return {
        "SLACK_BOT_TOKEN": "xoxb-local",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": stack.slack.api_url,
        "NEXUDUS_URL": stack.nexudus.url,
        "NEXUDUS_USERNAME": stack.nexudus.username,
        "NEXUDUS_PASSWORD": stack.nexudus.password,
        "BOT_DATABASE": str(database),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_in_http_mode_answers_slack_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        port = free_port()
        env = {**emulator_env(stack, tmp_path / "serve.db"), "PORT": str(port)}
        process = start_bot(env, tmp_path)
        try:
            driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, stack.slack)
            wait_for(lambda: _healthy(port), timeout=15)
            opened = len(stack.slack.calls_to("views.open"))

            assert driver.slash(seed.JANE, "From the real process").status_code == 200
            view = wait_for(lambda: stack.slack.calls_to("views.open")[opened:])[0].args["view"]
            driver.http.close()
        finally:
            logs = stop_bot(process)

    assert "From the real process" in json.dumps(view)
    assert process.returncode == 0, logs
    assert "command /newthread user=UJANE -> 200" in logs
    assert "received SIGTERM" in logs
    assert "xoxb-local" not in logs and stack.nexudus.password not in logs


def test_serve_with_a_refused_token_explains_and_exits(tmp_path: Path) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-local",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "NEXUDUS_USERNAME": "u",
        "NEXUDUS_PASSWORD": "p",
        "BOT_DATABASE": str(tmp_path / "serve.db"),
        "PORT": str(free_port()),
    }

    done = run_cli(env=env, cwd=tmp_path)

    assert done.returncode == 1
    assert "python -m bot check" in done.stderr and "Traceback" not in done.stderr


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_relay_once_and_digest_now_share_the_jobs_code(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        env = emulator_env(stack, tmp_path / "jobs.db")
        first = run_cli("relay", "--once", env=env, cwd=tmp_path)
        thread = stack.nexudus.add(
            "CommunityThread",
            BusinessId=seed.CANAL_STREET,
            UserId=seed.OMAR_USER_ID,
            Subject="From the CLI",
            Message="m",
            InstantDelivery=False,
        )["Id"]
        stack.nexudus.add("CommunityThreadFollow", ThreadId=thread, UserId=seed.JANE_USER_ID)
        stack.nexudus.add(
            "CommunityMessage", CommunityThreadId=thread, UserId=seed.OMAR_USER_ID, Message="hi"
        )

        second = run_cli("relay", "--once", env=env, cwd=tmp_path)
        digest = run_cli("digest", "--now", env=env, cwd=tmp_path)
        again = run_cli("digest", "--now", env=env, cwd=tmp_path)

        assert first.returncode == 0 and "first run" in first.stdout
        assert (
            "new replies: 1" in second.stdout and "queued: 0 message(s) and 1 digest item(s)" in second.stdout
        )
        assert digest.stdout.startswith("1 digest(s) recorded, 1 message(s) sent")
        assert again.stdout.startswith("0 digest(s) recorded, 0 message(s) sent")
        assert [m["channel"] for m in stack.slack.posts()] == ["DUJANE"]


def test_relay_without_once_explains(tmp_path: Path) -> None:
    done = run_cli("relay", env={}, cwd=tmp_path)

    assert done.returncode == 2 and "relay --once" in done.stderr


def test_serve_in_socket_mode_receives_a_command_and_acks_it(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        socket_mode = FakeSocketMode()
        stack.slack.socket_mode_url = socket_mode.url
        env = {**emulator_env(stack, tmp_path / "socket.db"), "SLACK_APP_TOKEN": "xapp-1-local"}
        del env["SLACK_SIGNING_SECRET"]  # not needed in Socket Mode
        process = start_bot(env, tmp_path)
        try:
            assert socket_mode.connected.wait(timeout=20), "the bot never opened its socket"
            socket_mode.send(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": {
                        "command": "/newthread",
                        "text": "Over the socket",
                        "user_id": seed.JANE,
                        "team_id": "T1",
                        "channel_id": "C100",
                        "api_app_id": "A1",
                        "trigger_id": stack.slack.new_trigger(),
                        "response_url": stack.slack.response_url(),
                    },
                }
            )
            view = wait_for(lambda: stack.slack.calls_to("views.open"))[0].args["view"]
            ack = wait_for(lambda: [a for a in socket_mode.acks if a.get("envelope_id") == "env-1"])[0]
        finally:
            logs = stop_bot(process)
            socket_mode.stop()

    assert "Over the socket" in json.dumps(view) and ack["envelope_id"] == "env-1"
    assert process.returncode == 0, logs
    assert "connected to Slack in Socket Mode" in logs and "xapp-1-local" not in logs
