"""ProfileChanges: the event's profile replaces the cached one without asking Slack, then the
identity and the relay's portal matches are told, in that order (both read the new profile)."""

from __future__ import annotations

from unittest.mock import Mock, create_autospec

from slack_sdk import WebClient

from bot.identity import IdentityService
from bot.profile_changes import ProfileChanges
from bot.relay.people import PortalPeople
from bot.slack_users import SlackUsers

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


def test_the_new_profile_is_cached_then_identity_and_portal_matches_are_told() -> None:
    client = Mock(spec=WebClient)
    slack_users = SlackUsers(client)
    identities: Mock = create_autospec(IdentityService, instance=True, spec_set=True)
    people: Mock = create_autospec(PortalPeople, instance=True, spec_set=True)
    told: list[str] = []
    identities.profile_changed.side_effect = lambda profile: told.append("identity") or True
    people.profile_changed.side_effect = lambda profile: told.append("people")

    ProfileChanges(slack_users=slack_users, identities=identities, people=people).changed(JANE)

    profile = slack_users.profile("UJANE")
    assert profile is not None
    assert (profile.deleted, profile.email, profile.name) == (True, "jane@newjob.example", "Jane Doe")
    assert told == ["identity", "people"]
    identities.profile_changed.assert_called_once_with(profile)
    people.profile_changed.assert_called_once_with(profile)
    assert client.mock_calls == []  # neither users.info nor anything else
