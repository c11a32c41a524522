"""The ``user_change`` listener called directly, with a fake ``Ack``: it acks first, then hands
the event's profile to SlackUsers and the result to IdentityService, calling no one."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock, create_autospec

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.identity import IdentityService
from bot.slack_users import SlackProfile, SlackUsers
from handlers.events.user_change import user_changed

# The event's user is users.info's user (Slack's user_change payload), here deactivated.
JANE = {
    "id": "UJANE",
    "team_id": "T1",
    "name": "jane",
    "real_name": "Jane Doe",
    "deleted": True,
    "tz": "Europe/London",
    "profile": {"real_name": "Jane Doe", "email": "jane@newjob.example", "status_emoji": ":palm_tree:"},
    "is_admin": False,
    "updated": 1764158400,
}
EVENT = {"type": "user_change", "user": JANE, "cache_ts": 1764158400, "event_ts": "1764158400.000100"}


def identities() -> Mock:
    service: Mock = create_autospec(IdentityService, instance=True, spec_set=True)
    return service


def test_acks_first_then_updates_the_profile_then_the_identity() -> None:
    slack_users: Mock = create_autospec(SlackUsers, instance=True, spec_set=True)
    service, ack = identities(), Mock(spec=Ack)
    profile = SlackProfile(user_id="UJANE", name="Jane Doe", deleted=True)
    seen: list[str] = []
    ack.side_effect = lambda: seen.append("ack")
    slack_users.changed.side_effect = lambda user: seen.append("profile") or profile
    service.profile_changed.side_effect = lambda changed: seen.append("identity") or True

    user_changed(ack, EVENT, slack_users=slack_users, identities=service)

    assert seen == ["ack", "profile", "identity"]
    slack_users.changed.assert_called_once_with(JANE)
    service.profile_changed.assert_called_once_with(profile)


def test_the_next_profile_read_is_the_events_without_asking_slack() -> None:
    client = Mock(spec=WebClient)
    slack_users, service = SlackUsers(client), identities()

    user_changed(Mock(spec=Ack), EVENT, slack_users=slack_users, identities=service)

    profile = slack_users.profile("UJANE")
    assert profile is not None
    assert (profile.deleted, profile.email, profile.name) == (True, "jane@newjob.example", "Jane Doe")
    service.profile_changed.assert_called_once_with(profile)
    assert client.mock_calls == []  # neither users.info nor anything else


def test_an_event_naming_nobody_is_acked_and_ignored() -> None:
    slack_users: Mock = create_autospec(SlackUsers, instance=True, spec_set=True)
    service, ack = identities(), Mock(spec=Ack)
    odd: dict[str, Any] = {"type": "user_change", "user": "UJANE"}  # a bare id, not a user object

    user_changed(ack, odd, slack_users=slack_users, identities=service)

    ack.assert_called_once_with()
    assert slack_users.mock_calls == [] and service.mock_calls == []
