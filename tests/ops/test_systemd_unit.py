"""deploy/nexudus-board-bot.service: a dedicated user, the venv's python, a clean stop, hardening."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def unit() -> configparser.ConfigParser:
    # Unit files are INI-like; repeated keys and %-specifiers need strict=False, no interpolation.
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(ROOT / "deploy" / "nexudus-board-bot.service")
    return parser


def test_it_runs_the_bot_as_its_own_user_from_the_venv() -> None:
    service = unit()["Service"]

    assert service["User"] == "nexudus-board-bot" and service["User"] != "root"
    assert service["ExecStart"] == "/opt/nexudus-board-bot/venv/bin/python -m bot"
    assert service["EnvironmentFile"].startswith("/etc/")
    assert service["WorkingDirectory"] == "/var/lib/nexudus-board-bot"


def test_it_restarts_on_failure_but_not_on_a_configuration_error() -> None:
    service = unit()["Service"]

    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # bad settings or a newer database


def test_it_stops_with_sigterm_within_the_bots_shutdown_time() -> None:
    service = unit()["Service"]

    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) == 15  # serve exits within 10 s


def test_it_is_hardened_and_may_write_only_its_data_directory() -> None:
    service = unit()["Service"]

    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    # The database (bot.db in the working directory by default) must be writable.
    assert service["WorkingDirectory"] in service["ReadWritePaths"].split()


def test_it_starts_after_the_network_and_at_boot() -> None:
    parsed = unit()

    assert "network-online.target" in parsed["Unit"]["After"]
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
