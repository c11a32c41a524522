"""PortalPeople's match of a portal user to a Slack member, against profile changes that land
while it looks (mocked Nexudus and Slack, real SQLite): a match a change overtook is used
once and not kept, since it may be by an email the member just gave up or took."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import Mock, create_autospec

import pytest

from bot.portal import NexudusClient
from bot.portal.models import PortalUser
from bot.relay.people import PortalPeople
from bot.slack_users import SlackProfile, SlackUsers
from store import Store
from store.models import Identity

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
JANE_USER_ID = 3400


@pytest.fixture
def portal() -> Mock:
    client: Mock = create_autospec(NexudusClient, instance=True, spec_set=True)
    client.user.return_value = PortalUser(id=JANE_USER_ID, email="jane@example.com", full_name="Jane Doe")
    return client


@pytest.fixture
def slack_users() -> Mock:
    users: Mock = create_autospec(SlackUsers, instance=True, spec_set=True)
    users.user_by_email.return_value = "UJANE"
    users.profile.return_value = SlackProfile(user_id="UJANE", name="Jane", email="jane@example.com")
    users.changes_seen.return_value = 0
    users.changed_since.return_value = False  # no profile change recorded meanwhile
    return users


def people(portal: Mock, slack_users: Mock, store: Store) -> PortalPeople:
    return PortalPeople(
        portal=portal, slack_users=slack_users, identities=store.identities, cache=store.portal_people,
        clock=lambda: NOW,
    )  # fmt: skip


def test_a_match_is_kept_when_no_profile_changed_meanwhile(
    portal: Mock, slack_users: Mock, store: Store
) -> None:
    found = people(portal, slack_users, store).person(JANE_USER_ID)

    assert found.slack_user_id == "UJANE"
    kept = store.portal_people.get(JANE_USER_ID)
    assert kept is not None and kept.slack_user_id == "UJANE"
    # Asked about the member matched and the email matched by, since the lookup began.
    slack_users.changed_since.assert_called_once_with(0, user_id="UJANE", email="jane@example.com")


def test_a_match_a_profile_change_overtook_is_used_once_and_not_kept(
    portal: Mock, slack_users: Mock, store: Store
) -> None:
    def lookup_during_which_a_profile_changes(email: str) -> str:
        slack_users.changed_since.return_value = True  # her user_change, recorded by any process
        return "UJANE"

    slack_users.user_by_email.side_effect = lookup_during_which_a_profile_changes

    found = people(portal, slack_users, store).person(JANE_USER_ID)

    assert found.slack_user_id == "UJANE"
    assert store.portal_people.get(JANE_USER_ID) is None  # looked up again next time


def test_a_match_through_a_link_undone_meanwhile_is_used_once_and_not_kept(
    portal: Mock, slack_users: Mock, store: Store
) -> None:
    link = Identity(
        slack_user_id="UJANE", state="linked", source="email", portal_user_id=JANE_USER_ID, checked_at=NOW
    )
    store.identities.remember(link)

    def read_during_which_her_link_is_undone(user_id: int) -> PortalUser:
        store.identities.forget_lookup("UJANE")  # her user_change, handled by another process
        return PortalUser(id=JANE_USER_ID, email="jane@example.com", full_name="Jane Doe")

    portal.user.side_effect = read_during_which_her_link_is_undone

    found = people(portal, slack_users, store).person(JANE_USER_ID)

    assert found.slack_user_id == "UJANE"
    assert store.portal_people.get(JANE_USER_ID) is None
