"""IdentityService's rules, without servers: a mocked portal and Slack, a real SQLite store.

The scenario-style tests in ``test_identity.py`` run the same rules against the emulators;
these pin each rule on its own and count every call made to Nexudus.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import Mock, create_autospec

import pytest
from slack_sdk.errors import SlackApiError

from bot.identity import FOUND_TTL, FROM_ELSEWHERE, MISSING_TTL, IdentityService, LinkTargetNotFound
from bot.portal import NexudusClient, PortalNotFound, PortalUnavailable
from bot.portal.models import Coworker, PortalUser
from bot.slack_users import SlackProfile, SlackUsers
from store import Store
from store.models import Identity

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
JANE, LEE = "UJANE", "ULEE"
JANE_EMAIL = "jane@example.com"
OUR_TEAM = "T1"
CANAL_STREET = 1400


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def coworker(coworker_id: int, user_id: int | None, **wire: Any) -> Coworker:
    """A Coworker list row as Nexudus writes it (PascalCase; ``UserId`` may be left out)."""
    row = {"Id": coworker_id, "Email": JANE_EMAIL, "FullName": f"Profile {coworker_id}", **wire}
    if user_id is not None:
        row["UserId"] = user_id
    return Coworker.model_validate(row)


def portal_user(user_id: int, email: str | None = JANE_EMAIL, **wire: Any) -> PortalUser:
    return PortalUser.model_validate({"Id": user_id, "Email": email, "FullName": f"User {user_id}", **wire})


@pytest.fixture
def portal() -> Mock:
    # Autospec: a call with a wrong name or arguments fails here, as it would against Nexudus.
    client: Mock = create_autospec(NexudusClient, instance=True, spec_set=True)
    client.coworkers_by_email.return_value = []
    client.users_by_email.return_value = []
    return client


@pytest.fixture
def slack_users() -> Mock:
    users: Mock = create_autospec(SlackUsers, instance=True, spec_set=True)
    profiles = {
        JANE: SlackProfile(user_id=JANE, name="Jane", email=JANE_EMAIL),
        LEE: SlackProfile(user_id=LEE, name="Lee", email="lee@example.com"),
    }
    users.profile.side_effect = profiles.get
    users.changes_seen.return_value = 0  # no profile change recorded yet
    # Any change counts here (the store's targeted query has tests of its own).
    users.changed_since.side_effect = lambda seen, **_: users.changes_seen.return_value != seen
    users.from_elsewhere.side_effect = lambda profile: profile.team_id not in (None, OUR_TEAM)
    return users


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def identities(portal: Mock, slack_users: Mock, store: Store, clock: Clock) -> IdentityService:
    return IdentityService(portal=portal, slack_users=slack_users, identities=store.identities, clock=clock)


def test_member_is_linked_by_slack_verified_email(identities: IdentityService, portal: Mock) -> None:
    portal.coworkers_by_email.return_value = [
        coworker(5600, 3400, IsDefaultProfile=True, InvoicingBusinessId=CANAL_STREET)
    ]

    found = identities.resolve(JANE)

    portal.coworkers_by_email.assert_called_once_with(JANE_EMAIL)
    assert found == Identity(
        slack_user_id=JANE,
        state="linked",
        source="email",
        portal_user_id=3400,
        coworker_id=5600,
        full_name="Profile 5600",
        email=JANE_EMAIL,
        home_business_id=CANAL_STREET,
        checked_at=NOW,
        expires_at=NOW + FOUND_TTL,
    )
    portal.users_by_email.assert_not_called()  # a profile with a login is enough


@pytest.mark.parametrize(
    ("profiles", "chosen"),
    [
        # active wins over the default profile of a closed account
        ([coworker(1, 11, Active=False, IsDefaultProfile=True), coworker(2, 12, Active=True)], 2),
        # among active ones, the default profile
        ([coworker(1, 11), coworker(2, 12, IsDefaultProfile=True)], 2),
        # then one with a portal login (no second read needed)
        ([coworker(1, None), coworker(2, 12)], 2),
        # all else equal, the oldest record, whatever order the list came in
        ([coworker(3, 13), coworker(2, 12)], 2),
    ],
    ids=["active first", "then default", "then with login", "then lowest id"],
)
def test_preferred_profile_among_several(
    identities: IdentityService, portal: Mock, profiles: list[Coworker], chosen: int
) -> None:
    portal.coworkers_by_email.return_value = profiles

    found = identities.resolve(JANE)

    assert (found.coworker_id, found.portal_user_id) == (chosen, 10 + chosen)
    portal.coworker.assert_not_called()


def test_list_row_without_user_id_is_read_once_in_full(identities: IdentityService, portal: Mock) -> None:
    portal.coworkers_by_email.return_value = [coworker(5600, None)]
    portal.coworker.return_value = coworker(5600, 3400, InvoicingBusinessId=CANAL_STREET)

    found = identities.resolve(JANE)

    portal.coworker.assert_called_once_with(5600)
    assert (found.portal_user_id, found.coworker_id, found.home_business_id) == (3400, 5600, CANAL_STREET)
    portal.users_by_email.assert_not_called()


def test_staff_without_a_profile_are_linked_to_their_active_user(
    identities: IdentityService, portal: Mock
) -> None:
    portal.users_by_email.return_value = [portal_user(3401, Active=False), portal_user(3402, Active=True)]

    found = identities.resolve(JANE)

    portal.users_by_email.assert_called_once_with(JANE_EMAIL)
    assert (found.state, found.portal_user_id, found.coworker_id) == ("linked", 3402, None)
    assert (found.full_name, found.home_business_id) == ("User 3402", None)


def test_nobody_with_the_email_is_missing_for_minutes(
    identities: IdentityService, portal: Mock, clock: Clock
) -> None:
    found = identities.resolve(JANE)
    assert (found.state, found.email, found.expires_at) == ("missing", JANE_EMAIL, NOW + MISSING_TTL)
    asked = len(portal.mock_calls)
    assert asked == 2  # the profiles, then the users, by email

    clock.now = NOW + MISSING_TTL - timedelta(seconds=1)
    assert identities.resolve(JANE).state == "missing"
    assert len(portal.mock_calls) == asked

    clock.now = NOW + MISSING_TTL
    identities.resolve(JANE)
    assert len(portal.mock_calls) == 2 * asked


def test_found_is_kept_for_a_day(identities: IdentityService, portal: Mock, clock: Clock) -> None:
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]
    identities.resolve(JANE)
    asked = len(portal.mock_calls)

    clock.now = NOW + FOUND_TTL - timedelta(seconds=1)
    identities.resolve(JANE)
    assert len(portal.mock_calls) == asked

    clock.now = NOW + FOUND_TTL
    assert identities.resolve(JANE).checked_at == clock.now
    assert len(portal.mock_calls) == 2 * asked


@pytest.mark.parametrize(
    "profile",
    [
        SlackProfile(user_id="UHIDDEN", name="Hidden", email=None),  # email not shared
        None,  # users.info says user_not_found
    ],
    ids=["no email", "unknown to Slack"],
)
def test_slack_user_without_email_is_missing_and_nexudus_is_not_asked(
    identities: IdentityService, portal: Mock, slack_users: Mock, profile: SlackProfile | None
) -> None:
    slack_users.profile.side_effect = None
    slack_users.profile.return_value = profile

    found = identities.resolve("UHIDDEN")

    assert (found.state, found.email, found.expires_at) == ("missing", None, NOW + MISSING_TTL)
    assert portal.mock_calls == []


def test_manual_link_by_email_never_expires_and_wins_over_email(
    identities: IdentityService, portal: Mock, clock: Clock
) -> None:
    portal.coworkers_by_email.return_value = [coworker(5700, 3500, Email="omar@example.com")]
    linked = identities.link(JANE, " omar@example.com ")
    portal.coworkers_by_email.assert_called_once_with("omar@example.com")
    asked = len(portal.mock_calls)

    clock.now = NOW + timedelta(days=400)
    found = identities.resolve(JANE)

    assert found == linked
    assert (found.source, found.portal_user_id, found.expires_at) == ("manual", 3500, None)
    assert len(portal.mock_calls) == asked  # Jane's own email was never looked up


def test_manual_link_by_user_id_takes_their_profile(identities: IdentityService, portal: Mock) -> None:
    portal.user.return_value = portal_user(3500, "omar@example.com")
    portal.coworkers_by_email.return_value = [coworker(5700, 3500, InvoicingBusinessId=CANAL_STREET)]

    found = identities.link(JANE, "3500")

    portal.user.assert_called_once_with(3500)
    assert (found.source, found.portal_user_id, found.coworker_id) == ("manual", 3500, 5700)
    assert (found.home_business_id, found.expires_at) == (CANAL_STREET, None)


def test_manual_link_by_user_id_keeps_that_user_when_their_email_leads_elsewhere(
    identities: IdentityService, portal: Mock
) -> None:
    # A shared mailbox: the preferred profile with that email belongs to another login.
    portal.user.return_value = portal_user(3500, "desk@example.com")
    portal.coworkers_by_email.return_value = [coworker(5800, 3999, Email="desk@example.com")]

    found = identities.link(JANE, "3500")

    assert (found.portal_user_id, found.coworker_id, found.full_name) == (3500, None, "User 3500")
    assert (found.source, found.email) == ("manual", "desk@example.com")


def test_manual_link_is_stored(identities: IdentityService, portal: Mock) -> None:
    portal.user.return_value = portal_user(3500, email=None)

    found = identities.link(JANE, "3500")

    assert identities.cached(JANE) == found
    portal.coworkers_by_email.assert_not_called()  # no email to look further with


def test_link_to_an_unknown_email_is_refused(identities: IdentityService) -> None:
    # The portal's lists come back empty (the fixture's default).
    with pytest.raises(LinkTargetNotFound):
        identities.link(JANE, "nobody@example.com")

    assert identities.cached(JANE) is None


def test_link_to_a_user_id_nexudus_does_not_find_is_refused(
    identities: IdentityService, portal: Mock
) -> None:
    portal.user.side_effect = PortalNotFound("Not found")

    with pytest.raises(LinkTargetNotFound):
        identities.link(JANE, "3999")

    assert identities.cached(JANE) is None


def test_unlink_removes_a_link_and_says_whether_there_was_one(
    identities: IdentityService, portal: Mock
) -> None:
    portal.user.return_value = portal_user(3500, email=None)
    identities.link(JANE, "3500")

    assert identities.unlink(JANE) is True
    assert identities.cached(JANE) is None
    assert identities.unlink(JANE) is False


def test_forget_lookups_drops_automatic_results_and_keeps_manual_links(
    identities: IdentityService, portal: Mock
) -> None:
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]
    identities.resolve(LEE)
    portal.user.return_value = portal_user(3500, email=None)
    manual = identities.link(JANE, "3500")

    identities.forget_lookups([LEE, JANE])

    assert identities.cached(LEE) is None
    assert identities.cached(JANE) == manual
    asked = portal.coworkers_by_email.call_count
    identities.resolve(LEE)
    assert portal.coworkers_by_email.call_count == asked + 1  # looked up afresh


def test_cached_never_calls_anyone_even_when_stale(
    identities: IdentityService, portal: Mock, slack_users: Mock, clock: Clock
) -> None:
    missing = identities.resolve(JANE)
    portal.reset_mock()
    slack_users.reset_mock()
    clock.now = NOW + timedelta(days=30)

    assert identities.cached(JANE) == missing
    assert identities.cached(LEE) is None
    assert portal.mock_calls == [] and slack_users.mock_calls == []


@pytest.mark.parametrize(
    "failing",
    ["coworkers_by_email", "coworker", "users_by_email"],
    ids=["profiles list", "profile read", "users list"],
)
def test_a_portal_failure_propagates_and_nothing_is_stored(
    identities: IdentityService, portal: Mock, failing: str
) -> None:
    if failing == "coworker":
        portal.coworkers_by_email.return_value = [coworker(5600, None)]
    getattr(portal, failing).side_effect = PortalUnavailable("Nexudus is down")

    with pytest.raises(PortalUnavailable):
        identities.resolve(JANE)

    assert identities.cached(JANE) is None


def test_someone_of_another_organisation_is_not_linked_by_email(
    identities: IdentityService, portal: Mock, slack_users: Mock, clock: Clock
) -> None:
    # Slack Connect: an outsider whose own workspace says their email is Jane's.
    outsider = SlackProfile(user_id="UOUT", name="Outsider", email=JANE_EMAIL, team_id="T2")
    slack_users.profile.side_effect = {"UOUT": outsider}.get
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]

    found = identities.resolve("UOUT")

    assert (found.state, found.portal_user_id, found.email) == ("missing", None, None)
    assert found.reason == FROM_ELSEWHERE and found.expires_at == NOW + MISSING_TTL
    portal.coworkers_by_email.assert_not_called()


def test_an_admin_may_link_someone_of_another_organisation(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    outsider = SlackProfile(user_id="UOUT", name="Outsider", email="out@partner.example", team_id="T2")
    slack_users.profile.side_effect = {"UOUT": outsider}.get
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]

    identities.link("UOUT", JANE_EMAIL, by="UADMIN")

    assert identities.resolve("UOUT").portal_user_id == 3400  # the manual link wins


# --- user_change: a profile change forgets an automatic result it undoes --------------------


def janes_new_profile(slack_users: Mock, **changes: Any) -> SlackProfile:
    """Jane's profile after a change, as ``SlackUsers.changed`` now answers for it too."""
    profile = SlackProfile(user_id=JANE, name="Jane", email=JANE_EMAIL).model_copy(update=changes)
    slack_users.profile.side_effect = {JANE: profile}.get
    slack_users.changes_seen.return_value += 1  # recorded, for every process to see
    return profile


def test_an_email_change_forgets_the_link_and_the_next_resolve_finds_the_new_account(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    portal.coworkers_by_email.side_effect = lambda email: {
        JANE_EMAIL: [coworker(5600, 3400)],
        "jane@newjob.example": [coworker(5900, 3900, Email="jane@newjob.example")],
    }[email]
    assert identities.resolve(JANE).portal_user_id == 3400

    forgotten = identities.profile_changed(janes_new_profile(slack_users, email="jane@newjob.example"))

    assert forgotten is True and identities.cached(JANE) is None
    found = identities.resolve(JANE)
    assert (found.portal_user_id, found.email) == (3900, "jane@newjob.example")


def test_a_lookup_overtaken_by_an_email_change_answers_but_is_not_kept(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    def lookup_during_which_jane_changes_her_email(email: str) -> list[Coworker]:
        changed = janes_new_profile(slack_users, email="jane@newjob.example")
        identities.profile_changed(changed)  # the user_change event, on a listener thread
        return [coworker(5600, 3400)]

    portal.coworkers_by_email.side_effect = lookup_during_which_jane_changes_her_email

    found = identities.resolve(JANE)

    assert found.portal_user_id == 3400  # the action under way goes ahead as she was
    assert identities.cached(JANE) is None  # but her old email's account is not kept for a day


def test_a_lookup_during_someone_elses_change_is_kept(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    def lookup_during_which_lee_changes_his_email(email: str) -> list[Coworker]:
        slack_users.changes_seen.return_value += 1  # Lee's user_change, recorded meanwhile
        return [coworker(5600, 3400)]

    portal.coworkers_by_email.side_effect = lookup_during_which_lee_changes_his_email

    assert identities.resolve(JANE).portal_user_id == 3400
    cached = identities.cached(JANE)
    assert cached is not None and cached.portal_user_id == 3400  # her profile did not move


def test_a_lookup_slack_cannot_confirm_after_a_change_is_not_kept(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    def lookup_during_which_a_change_is_recorded(email: str) -> list[Coworker]:
        slack_users.changes_seen.return_value += 1
        slack_users.profile.side_effect = SlackApiError("ratelimited", {"ok": False, "error": "ratelimited"})
        return [coworker(5600, 3400)]

    portal.coworkers_by_email.side_effect = lookup_during_which_a_change_is_recorded

    assert identities.resolve(JANE).portal_user_id == 3400  # used for the action under way
    assert identities.cached(JANE) is None  # but a doubtful answer is not kept for a day


def test_a_deactivation_in_slack_forgets_the_link(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]
    identities.resolve(JANE)

    assert identities.profile_changed(janes_new_profile(slack_users, deleted=True)) is True
    assert identities.cached(JANE) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "omar@example.com"},  # another email: an admin's link does not follow it
        {"deleted": True},  # deactivated: the link stays for the admin to undo
    ],
    ids=["email", "deactivated"],
)
def test_a_manual_link_is_kept_whatever_the_change(
    identities: IdentityService, portal: Mock, slack_users: Mock, changes: dict[str, Any]
) -> None:
    portal.user.return_value = portal_user(3500, email=None)
    manual = identities.link(JANE, "3500")

    assert identities.profile_changed(janes_new_profile(slack_users, **changes)) is False
    assert identities.cached(JANE) == manual


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Jane D."},  # a new name, title or status: nothing to do with the portal
        {"email": "JANE@Example.com"},  # the same email in other case finds the same account
    ],
    ids=["name", "email case"],
)
def test_an_unrelated_change_keeps_the_link_and_calls_no_one(
    identities: IdentityService, portal: Mock, slack_users: Mock, changes: dict[str, Any]
) -> None:
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]
    linked = identities.resolve(JANE)
    portal.reset_mock()
    slack_users.reset_mock()

    assert identities.profile_changed(janes_new_profile(slack_users, **changes)) is False

    assert identities.cached(JANE) == linked
    assert portal.mock_calls == [] and slack_users.mock_calls == []


def test_a_missing_result_is_forgotten_once_the_profile_has_an_email(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    janes_new_profile(slack_users, email=None)  # not shared yet: nothing to match
    assert identities.resolve(JANE).state == "missing"
    portal.coworkers_by_email.return_value = [coworker(5600, 3400)]

    assert identities.profile_changed(janes_new_profile(slack_users)) is True

    assert identities.resolve(JANE).portal_user_id == 3400


def test_a_missing_result_for_someone_of_another_organisation_is_kept(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    # Their email is never matched, so a new one changes nothing: no row rewritten.
    outsider = SlackProfile(user_id="UOUT", name="Outsider", email=None, team_id="T2")
    slack_users.profile.side_effect = {"UOUT": outsider}.get
    missing = identities.resolve("UOUT")

    changed = outsider.model_copy(update={"email": "out@partner.example"})

    assert identities.profile_changed(changed) is False
    assert identities.cached("UOUT") == missing
    portal.coworkers_by_email.assert_not_called()


def test_a_change_for_someone_never_looked_up_does_nothing(
    identities: IdentityService, portal: Mock, slack_users: Mock
) -> None:
    assert identities.profile_changed(janes_new_profile(slack_users, deleted=True)) is False
    assert identities.cached(JANE) is None and portal.mock_calls == []
