"""manifest.yml is a valid Slack manifest and matches what the code registers and uses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import jsonschema
import yaml

from bot.scopes import BOT_SCOPES
from handlers import ids, register_handlers
from handlers.notices import SlackNotices

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
SCHEMA = json.loads((ROOT / "tests/manifest_schema/manifest.schema.1.0.0.json").read_text())


class RecordingApp:
    """Stands in for ``App`` to record every (listener kind, id) the handlers register."""

    def __init__(self) -> None:
        self.registered: set[tuple[str, str]] = set()

    def __getattr__(self, kind: str) -> Callable[[str], Callable[[Any], Any]]:
        def register(identifier: str) -> Callable[[Any], Any]:
            self.registered.add((kind, identifier))
            return lambda listener: listener

        return register


def registered() -> set[tuple[str, str]]:
    app = RecordingApp()
    register_handlers(
        app,  # type: ignore[arg-type]
        choices=Mock(),
        drafts=Mock(),
        notices=Mock(spec=SlackNotices),
        home=Mock(),
        thread_actions=Mock(),
        unfurls=Mock(),
        slack_replies=Mock(),
        admins=Mock(),
        subcommands=Mock(),
        slack_health=Mock(),
        audiences=Mock(),
        lifecycle=Mock(),
        profiles=Mock(),
    )
    return app.registered


def test_manifest_is_valid_against_slacks_schema() -> None:
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors(MANIFEST))

    assert errors == [], [e.message for e in errors]


def test_commands_match_the_code() -> None:
    in_manifest = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    in_code = {name for kind, name in registered() if kind == "command"}

    assert in_manifest == in_code == {ids.COMMAND}


def test_shortcuts_match_the_code() -> None:
    in_manifest = {s["callback_id"] for s in MANIFEST["features"]["shortcuts"]}
    in_code = {name for kind, name in registered() if kind == "shortcut"}

    assert in_manifest == in_code == {ids.POST_MESSAGE_SHORTCUT}


def test_every_registered_id_is_declared_in_ids() -> None:
    declared = {value for name, value in vars(ids).items() if name.isupper()}

    assert {name for _, name in registered()} <= declared


def test_scopes_are_exactly_those_the_code_uses() -> None:
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES


def test_events_match_the_code() -> None:
    in_manifest = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    in_code = {name for kind, name in registered() if kind == "event"}
    # One "message" listener hears the message events of every kind of conversation.
    message_events = {"message.channels", "message.groups", "message.im"}
    heard = (in_manifest - message_events) | {ids.MESSAGE_EVENT}

    assert message_events <= in_manifest
    assert heard == in_code and {ids.HOME_OPENED_EVENT, ids.MESSAGE_EVENT} <= in_code
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


def test_interactivity_socket_mode_and_escaping() -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    command = MANIFEST["features"]["slash_commands"][0]
    # Mentions must arrive as <@U…> for /newthread link to know who is meant.
    assert command["should_escape"] is True and command["usage_hint"]
    # DMs about drafts need the Messages tab, and members reply under the bot's DMs there.
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_read_only_enabled"] is False
