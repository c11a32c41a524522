"""SlackUsers' profile cache against answers that arrive out of order: the profile Slack
stamped later (``updated``) wins, whichever reached the bot last."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

from slack_sdk import WebClient

from bot.slack_users import SlackUsers


def jane(email: str, updated: int | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": "UJANE", "real_name": "Jane", "profile": {"email": email}}
    if updated is not None:
        user["updated"] = updated
    return user


def test_a_users_info_answer_overtaken_by_the_event_does_not_replace_its_profile() -> None:
    client = Mock(spec=WebClient)
    slack_users = SlackUsers(client, clock=lambda: 0.0)

    def users_info(user: str) -> dict[str, Any]:
        slack_users.changed(jane("jane@new.example", 200))  # user_change lands meanwhile
        return {"user": jane("jane@old.example", 100)}  # what Slack had when asked

    client.users_info.side_effect = users_info

    answered = slack_users.profile("UJANE")
    again = slack_users.profile("UJANE")

    assert answered is not None and answered.email == "jane@new.example"
    assert again is not None and again.email == "jane@new.example"
    client.users_info.assert_called_once_with(user="UJANE")


def test_a_later_or_unstamped_profile_replaces_an_unstamped_one() -> None:
    slack_users = SlackUsers(Mock(spec=WebClient), clock=lambda: 0.0)

    slack_users.changed(jane("jane@a.example", None))
    slack_users.changed(jane("jane@b.example", None))
    assert slack_users.profile("UJANE").email == "jane@b.example"  # type: ignore[union-attr]
    slack_users.changed(jane("jane@c.example", 300))
    slack_users.changed(jane("jane@d.example", 300))  # the same stamp: the newest answer wins

    assert slack_users.profile("UJANE").email == "jane@d.example"  # type: ignore[union-attr]
