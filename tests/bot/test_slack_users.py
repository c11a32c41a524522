"""SlackUsers' profile cache against answers that arrive out of order: the profile Slack
stamped later (``updated``) wins, whichever reached the bot last."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

from slack_sdk import WebClient

from bot.slack_users import PROFILE_TTL, SlackUsers
from store import Store


def jane(email: str, updated: int | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": "UJANE", "real_name": "Jane", "profile": {"email": email}}
    if updated is not None:
        user["updated"] = updated
    return user


def email_of(slack_users: SlackUsers) -> str | None:
    profile = slack_users.profile("UJANE")
    assert profile is not None
    return profile.email


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
    assert email_of(slack_users) == "jane@b.example"
    slack_users.changed(jane("jane@c.example", 300))
    slack_users.changed(jane("jane@d.example", 300))  # the same stamp: the newest answer wins

    assert email_of(slack_users) == "jane@d.example"


def test_a_change_another_process_recorded_ends_this_ones_cached_profile(
    two_stores: tuple[Store, Store],
) -> None:
    here, there = Mock(spec=WebClient), Mock(spec=WebClient)
    here.users_info.side_effect = [
        {"user": jane("jane@old.example", 100)},
        {"user": jane("jane@new.example", 200)},
    ]
    ours = SlackUsers(here, clock=lambda: 0.0, reported=two_stores[0].slack_profiles)
    theirs = SlackUsers(there, clock=lambda: 0.0, reported=two_stores[1].slack_profiles)
    assert email_of(ours) == "jane@old.example"

    _, news = theirs.changed(jane("jane@new.example", 200))  # the event reached the other process

    assert news is True
    assert email_of(ours) == "jane@new.example"
    assert email_of(ours) == "jane@new.example"
    assert here.users_info.call_count == 2  # asked again once, then cached again
    assert there.mock_calls == []  # the event's profile is taken as it is


def test_only_an_email_or_a_deactivation_is_news(store: Store) -> None:
    slack_users = SlackUsers(Mock(spec=WebClient), clock=lambda: 0.0, reported=store.slack_profiles)
    assert slack_users.changed(jane("jane@old.example", 100))[1] is True  # first heard of

    status = {
        **jane("Jane@Old.example", 150),
        "profile": {"email": "Jane@Old.example", "status_emoji": ":x:"},
    }
    gone = {**jane("jane@old.example", 300), "deleted": True}

    assert slack_users.changed(status)[1] is False
    assert slack_users.changed(jane("jane@new.example", 200))[1] is True
    assert slack_users.changed(gone)[1] is True
    assert slack_users.changes_seen() == 3


def test_an_answer_stamped_older_still_counts_as_asked_so_slack_is_not_asked_again_at_once() -> None:
    client = Mock(spec=WebClient)
    client.users_info.return_value = {"user": jane("jane@old.example", 100)}  # however Slack stamps it
    now = [0.0]
    slack_users = SlackUsers(client, clock=lambda: now[0])
    slack_users.changed(jane("jane@new.example", 200))
    now[0] = PROFILE_TTL + 1  # the event's profile is stale: ask Slack

    asked = [email_of(slack_users) for _ in range(3)]

    assert asked == ["jane@new.example"] * 3
    assert client.users_info.call_count == 1
