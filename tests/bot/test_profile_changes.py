"""ProfileChanges: SlackUsers records the event; unless it was delivered late, the identity
and the relay's portal matches are told of the new profile."""

from __future__ import annotations

from unittest.mock import Mock, create_autospec

import pytest

from bot.identity import IdentityService
from bot.profile_changes import ProfileChanges
from bot.relay.people import PortalPeople
from bot.slack_users import SlackProfile, SlackUsers
from store.slack_profiles import Recorded

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
PROFILE = SlackProfile(user_id="UJANE", name="Jane Doe", email="jane@newjob.example", deleted=True)
EVENT = {"type": "user_change", "user": JANE, "cache_ts": 1764158400, "event_ts": "1764158400.000100"}


def changes(recorded: Recorded) -> tuple[ProfileChanges, Mock, Mock]:
    slack_users: Mock = create_autospec(SlackUsers, instance=True, spec_set=True)
    identities: Mock = create_autospec(IdentityService, instance=True, spec_set=True)
    people: Mock = create_autospec(PortalPeople, instance=True, spec_set=True)
    slack_users.changed.return_value = (PROFILE, recorded)
    return ProfileChanges(slack_users=slack_users, identities=identities, people=people), identities, people


@pytest.mark.parametrize("recorded", [Recorded.NEWS, Recorded.SAME])
def test_identity_and_portal_matches_are_told_of_the_profile(recorded: Recorded) -> None:
    # SAME too: an event the bot missed while down may have left a link by an old email.
    profile_changes, identities, people = changes(recorded)

    profile_changes.changed(JANE)

    identities.profile_changed.assert_called_once_with(PROFILE)
    people.profile_changed.assert_called_once_with(PROFILE)


def test_a_change_delivered_late_undoes_nothing() -> None:
    profile_changes, identities, people = changes(Recorded.OLDER)

    profile_changes.changed(JANE)

    assert identities.mock_calls == [] and people.mock_calls == []
