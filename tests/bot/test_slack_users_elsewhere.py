"""Who counts as someone of another organisation (Slack Connect), read from ``auth.test``."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

import pytest
from slack_sdk import WebClient

from bot.slack_users import SlackProfile, SlackUsers
from store import Store


def users_of(own: dict[str, Any]) -> tuple[SlackUsers, Mock]:
    client = Mock(spec=WebClient)
    client.auth_test.return_value = own
    return SlackUsers(client, reported=Store(":memory:").slack_profiles), client


def person(team: str | None, enterprise: str | None = None) -> SlackProfile:
    return SlackProfile(user_id="U1", name="Someone", team_id=team, enterprise_id=enterprise)


@pytest.mark.parametrize(
    ("own", "profile", "elsewhere"),
    [
        ({"team_id": "T1"}, person("T1"), False),
        ({"team_id": "T1"}, person("T9"), True),  # Slack Connect
        ({"team_id": "T1"}, person(None), False),  # Slack named no team: ours
        ({"team_id": "T1", "enterprise_id": "E1"}, person("T2", "E1"), False),  # a sibling workspace
        ({"team_id": "T1", "enterprise_id": "E1"}, person("T9", "E9"), True),  # another organisation
        ({}, person("T9"), False),  # auth.test named no team: nobody is made an outsider
    ],
)
def test_who_is_of_another_organisation(own: dict[str, Any], profile: SlackProfile, elsewhere: bool) -> None:
    users, _ = users_of(own)

    assert users.from_elsewhere(profile) is elsewhere


def test_the_bot_s_workspace_is_asked_once_but_again_while_slack_names_none() -> None:
    users, client = users_of({"team_id": "T1"})
    users.from_elsewhere(person("T1"))
    users.from_elsewhere(person("T2"))
    assert client.auth_test.call_count == 1

    nameless, asked = users_of({})
    nameless.from_elsewhere(person("T1"))
    nameless.from_elsewhere(person("T2"))
    assert asked.auth_test.call_count == 2


def test_the_bot_s_user_id_comes_from_the_same_auth_test() -> None:
    users, client = users_of({"team_id": "T1", "user_id": "UBOT"})
    users.from_elsewhere(person("T2"))
    assert users.bot_user_id() == "UBOT"
    assert client.auth_test.call_count == 1
