"""The container: the Dockerfile linted in Python, compose.yaml read with PyYAML, and, where
Docker runs, the image built and its /healthz answering against the emulators."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.config import Settings
from emulators.stack import LocalStack
from tests.bot.test_cli import emulator_env, free_port, start_bot, stop_bot
from tests.conftest import wait_for
from tests.ops.dockerfile_lint import env_values, exec_form, final_stage, parse, problems

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
IMAGE = "nexudus-board-bot:test"
REQUIRED = {
    "SLACK_BOT_TOKEN": "xoxb-x",
    "SLACK_SIGNING_SECRET": "s",
    "NEXUDUS_USERNAME": "u",
    "NEXUDUS_PASSWORD": "p",
}


def test_the_dockerfile_keeps_every_rule() -> None:
    assert problems(DOCKERFILE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # the image would run the bot as root
        (("USER bot\n", ""), "CMD runs as root: set a non-root USER before it"),
        # a base that moves under us
        (("FROM python:3.11-slim-bookworm\n", "FROM python:slim\n"), "base image python:slim not pinned"),
        # no health for Docker to watch
        (("HEALTHCHECK", "# HEALTHCHECK"), "no HEALTHCHECK calling /healthz with urllib"),
        # the database in the container's writable layer, lost with it
        (('VOLUME ["/data"]', 'VOLUME ["/srv"]'), "BOT_DATABASE is not on a VOLUME"),
        # a token in a layer anyone with the image can read
        (("    PORT=3000", "    PORT=3000 SLACK_BOT_TOKEN=xoxb-1-2"), "secret baked into the image"),
        # pip's cache left in a layer
        (("pip install --no-cache-dir .", "pip install ."), "pip install without --no-cache-dir"),
        # pytest and mypy in the runtime image
        (("pip install --no-cache-dir .", 'pip install --no-cache-dir ".[test]"'), "test dependencies"),
        # Docker's default stop signal is SIGTERM, but the file says so for readers
        (("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGKILL"), "STOPSIGNAL is not SIGTERM"),
        # a shell form CMD would make /bin/sh PID 1, and SIGTERM would not reach the bot
        (('CMD ["python", "-m", "bot"]', "CMD python -m bot"), 'CMD is not ["python", "-m", "bot"]'),
    ],
)
def test_the_lint_catches_a_broken_dockerfile(change: tuple[str, str], problem: str) -> None:
    old, new = change
    assert old in DOCKERFILE

    found = problems(DOCKERFILE.replace(old, new))

    assert any(problem in line for line in found), found


def test_the_image_settings_are_the_ones_the_bot_reads() -> None:
    env = env_values(final_stage(parse(DOCKERFILE)))

    settings = Settings.from_env({**REQUIRED, **{k: v for k, v in env.items() if k != "PATH"}})

    assert settings.database == "/data/bot.db"
    assert str(settings.port) in final_stage_keyword("EXPOSE")


def final_stage_keyword(keyword: str) -> str:
    return next(i.arguments for i in final_stage(parse(DOCKERFILE)) if i.keyword == keyword)


def healthcheck_exit_status(env: dict[str, str]) -> int:
    """Run the image's HEALTHCHECK command with this machine's Python, as Docker would."""
    command = exec_form(final_stage_keyword("HEALTHCHECK").split(" CMD ", 1)[1])
    assert command and command[0] == "python"
    return subprocess.run([sys.executable, *command[1:]], env=env, capture_output=True, timeout=30).returncode


def test_the_healthcheck_passes_only_while_healthz_answers(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        port = free_port()
        env = {**emulator_env(stack, tmp_path / "bot.db"), "PORT": str(port)}
        process = start_bot(env, tmp_path)
        try:
            wait_for(lambda: _healthz(port), timeout=15)
            answering = healthcheck_exit_status({"PORT": str(port)})
        finally:
            stop_bot(process)

    assert answering == 0
    assert healthcheck_exit_status({"PORT": str(port)}) != 0  # nothing listens any more
    # Socket Mode answers /healthz too: no exemption for it.
    assert healthcheck_exit_status({"PORT": str(port), "SLACK_APP_TOKEN": "xapp-1"}) != 0


def test_the_healthcheck_fails_while_the_bot_is_not_ready(stack: LocalStack) -> None:
    env = {"PORT": str(stack.server.port)}
    writer = sqlite3.connect(stack.settings.database)
    writer.execute("BEGIN IMMEDIATE")  # the database stuck: /healthz answers 503
    try:
        not_ready = healthcheck_exit_status(env)
    finally:
        writer.rollback()
        writer.close()

    assert not_ready != 0
    wait_for(lambda: _healthz(stack.server.port))  # /healthz reuses a report for 2 s (REUSE)
    assert healthcheck_exit_status(env) == 0


def test_secrets_and_databases_stay_out_of_the_build_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", "*.db", "*.db-wal", "*.db-shm", ".git"} <= set(ignored)


def compose_service() -> tuple[dict[str, Any], dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    (service,) = compose["services"].values()
    return compose, service


def test_compose_runs_the_image_with_env_file_a_named_volume_and_restarts() -> None:
    compose, service = compose_service()

    assert service["build"] == "."
    assert service["env_file"] in (".env", [".env"])
    assert service["restart"] == "unless-stopped"
    named = [v.split(":")[0] for v in service["volumes"] if v.split(":")[1] == "/data"]
    assert named and named[0] in compose["volumes"]  # named, so it outlives the container
    assert service["environment"]["BOT_DATABASE"].startswith("/data/")
    assert "healthcheck" not in service  # the image's HEALTHCHECK applies


def test_compose_publishes_the_port_the_bot_listens_on() -> None:
    _, service = compose_service()

    # Compose fills ${PORT:-3000} from .env too: both sides follow the bot's PORT.
    assert service["ports"] == ["${PORT:-3000}:${PORT:-3000}"]


def docker_works() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


@pytest.fixture
def image() -> Iterator[str]:
    if not docker_works():
        pytest.skip("Docker is not available here (docker missing or `docker info` fails)")
    if not sys.platform.startswith("linux"):
        pytest.skip("the container reaches the emulators through host networking, which needs Linux")
    subprocess.run(["docker", "build", "-t", IMAGE, str(ROOT)], check=True, timeout=900)
    yield IMAGE


def test_the_image_builds_and_answers_healthz(image: str, tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        port = free_port()
        env = {**emulator_env(stack, Path("/data/bot.db")), "PORT": str(port)}
        name = f"nexudus-board-bot-test-{port}"
        run = ["docker", "run", "-d", "--name", name, "--network", "host", "--health-interval", "1s"]
        run += [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        subprocess.run([*run, image], check=True, capture_output=True, timeout=60)
        try:
            wait_for(lambda: _healthz(port), timeout=60)
            wait_for(lambda: _inspect(name, "{{.State.Health.Status}}") == "healthy", timeout=60)
            subprocess.run(["docker", "stop", "-t", "15", name], check=True, capture_output=True)
            assert _inspect(name, "{{.State.ExitCode}}") == "0"
            assert _inspect(name, "{{.Config.User}}") == "bot"
        finally:
            subprocess.run(["docker", "rm", "-f", "-v", name], capture_output=True, check=False)


def _healthz(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _inspect(name: str, template: str) -> str:
    done = subprocess.run(["docker", "inspect", "--format", template, name], capture_output=True, text=True)
    return done.stdout.strip()
