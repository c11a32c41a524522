"""BOT_LOG_FORMAT: text or one JSON object per line; secrets never reach the output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_bolt import BoltRequest

from bot.app import LoggedApp
from bot.config import ConfigError, Settings
from bot.logs import LogFormat, configure_logging, settings_secrets
from emulators import seed
from emulators.slack_driver import SlackDriver
from emulators.stack import SIGNING_SECRET, LocalStack
from tests.bot.test_cli import emulator_env, free_port, start_bot, stop_bot
from tests.conftest import wait_for

TOKEN = "xoxb-1234-5678-abcdefghijkl"
PASSWORD = "correct horse battery staple"
REQUIRED = {
    "SLACK_BOT_TOKEN": TOKEN,
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "NEXUDUS_USERNAME": "bot@example.com",
    "NEXUDUS_PASSWORD": PASSWORD,
}


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """What the root logger writes; the handler is removed afterwards, as pytest's are kept."""
    yield io.StringIO()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if type(h).__name__ == "_BotHandler"]:
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)


def json_lines(text: str) -> list[dict[str, Any]]:
    not_json = [line for line in text.splitlines() if not line.startswith("{")]
    assert not_json == [], text  # every line, whoever wrote it
    return [json.loads(line) for line in text.splitlines()]


def test_json_lines_carry_time_level_logger_message_and_the_request_fields(output: io.StringIO) -> None:
    configure_logging("json", [], stream=output)

    logging.getLogger("bot.app").info(
        "command %s", "/newthread", extra={"request_id": "r1", "user": "UJANE", "outcome": 200, "ms": 12}
    )
    logging.getLogger("bot.relay").warning("plain line")

    first, second = json_lines(output.getvalue())
    assert first["time"].endswith("+00:00") and first["time"][:4].isdigit()  # ISO 8601, UTC
    assert {k: v for k, v in first.items() if k != "time"} == {
        "level": "INFO",
        "logger": "bot.app",
        "message": "command /newthread",
        "request_id": "r1",
        "user": "UJANE",
        "outcome": 200,
        "ms": 12,
    }
    assert second["level"] == "WARNING" and "user" not in second


def test_an_exception_is_the_error_field_of_its_one_line(output: io.StringIO) -> None:
    configure_logging("json", [], stream=output)

    try:
        raise ValueError("the portal said no")
    except ValueError:
        logging.getLogger("bot").exception("poll failed")

    (line,) = json_lines(output.getvalue())
    assert line["message"] == "poll failed"
    assert "Traceback" in line["error"] and "ValueError: the portal said no" in line["error"]


def test_the_request_line_of_the_app_carries_its_fields(output: io.StringIO) -> None:
    configure_logging("json", [], stream=output)
    app = LoggedApp(token=TOKEN, signing_secret="signing-secret-value", token_verification_enabled=False)

    # Unsigned: refused with 401, and still one line saying who and how it ended.
    app.dispatch(BoltRequest(body="command=%2Fnewthread&user_id=UJANE&text=hello", headers={}))

    (line,) = [line for line in json_lines(output.getvalue()) if line["message"].startswith("command")]
    assert line["user"] == "UJANE"
    assert line["outcome"] == 401
    assert isinstance(line["ms"], int) and line["request_id"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_tokens_and_configured_secrets_never_reach_the_output(
    output: io.StringIO, log_format: LogFormat
) -> None:
    settings = Settings.from_env(REQUIRED)
    configure_logging(log_format, settings_secrets(settings), stream=output)
    log = logging.getLogger("bot.portal")

    log.info("calling Slack with %s", TOKEN)  # as an argument
    log.info(f"login as bot@example.com with {PASSWORD}")  # written into the message
    log.info("headers %s", {"Authorization": "Bearer eyJhbGciOi.J9.abc-_def"})
    log.info("app token xapp-1-A0123-4567-deadbeef, signature secret signing-secret-value")
    try:
        raise RuntimeError(f"refused: {PASSWORD}")
    except RuntimeError:
        log.exception("login failed")

    written = output.getvalue()
    for secret in (TOKEN, PASSWORD, "eyJhbGciOi", "xapp-1-A0123", "signing-secret-value"):
        assert secret not in written
    assert written.count("[redacted]") >= 6
    assert "bot@example.com" in written  # the rest of the line is kept


def test_a_malformed_log_call_still_logs_redacted_instead_of_raising(output: io.StringIO) -> None:
    handler = configure_logging("text", [PASSWORD], stream=output)
    # Straight to our handler: pytest's own capture handler would raise on this record first.
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "two values: %s %s", (PASSWORD,), None)

    handler.handle(record)

    assert "two values" in output.getvalue() and PASSWORD not in output.getvalue()


def test_settings_secrets_are_every_secret_set(output: io.StringIO) -> None:
    settings = Settings.from_env({**REQUIRED, "SLACK_APP_TOKEN": "xapp-1-abc"})

    assert set(settings_secrets(settings)) >= {TOKEN, PASSWORD, "signing-secret-value", "xapp-1-abc"}


def test_log_format_is_text_unless_set_and_anything_else_is_a_config_error() -> None:
    assert Settings.from_env(REQUIRED).log_format == "text"
    assert Settings.from_env({**REQUIRED, "BOT_LOG_FORMAT": "json"}).log_format == "json"

    with pytest.raises(ConfigError) as error:
        Settings.from_env({**REQUIRED, "BOT_LOG_FORMAT": "xml"})

    assert error.value.problems == ["BOT_LOG_FORMAT must be one of text, json, got 'xml'"]


def test_the_running_bot_logs_json_lines_without_secrets(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        port = free_port()
        env = {**emulator_env(stack, tmp_path / "serve.db"), "PORT": str(port), "BOT_LOG_FORMAT": "json"}
        process = start_bot(env, tmp_path)
        try:
            driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, stack.slack)
            wait_for(lambda: _healthy(port), timeout=15)
            assert driver.slash(seed.JANE, "json please").status_code == 200
            driver.http.close()
        finally:
            logs = stop_bot(process)

    lines = json_lines(logs)  # every line, from start-up to shutdown
    requests = [line for line in lines if line.get("user") == seed.JANE]
    assert requests and requests[0]["outcome"] == 200
    assert any(line["message"].startswith("received SIGTERM") for line in lines)
    assert "xoxb-local" not in logs and stack.nexudus.password not in logs


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
