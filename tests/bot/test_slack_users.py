"""SlackUsers' profile cache against profile changes: ``user_change`` is recorded for every
process; news (another email, a deactivation) or a change delivered late drops the cached
profile, so Slack is asked when it is next needed; a cache entry fetched before a change
any process recorded is asked for again; answers arriving out of order keep the profile
Slack stamped (``updated``) later."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

from slack_sdk import WebClient

from bot.slack_users import PROFILE_TTL, SlackUsers
from store import Store
from store.slack_profiles import Recorded, ReportedProfile


def jane(email: str, updated: int | None, **fields: Any) -> dict[str, Any]:
    user: dict[str, Any] = {"id": "UJANE", "real_name": "Jane", "profile": {"email": email}, **fields}
    if updated is not None:
        user["updated"] = updated
    return user


def answers(*users: dict[str, Any]) -> Mock:
    """A client whose users.info gives these users, one per call."""
    client = Mock(spec=WebClient)
    client.users_info.side_effect = [{"user": user} for user in users]
    return client


def email_of(slack_users: SlackUsers) -> str | None:
    profile = slack_users.profile("UJANE")
    assert profile is not None
    return profile.email


def test_news_is_recorded_and_slack_asked_once_when_next_needed(store: Store) -> None:
    client = answers(jane("jane@old.example", 100), jane("jane@new.example", 200))
    slack_users = SlackUsers(client, clock=lambda: 0.0, reported=store.slack_profiles)
    assert email_of(slack_users) == "jane@old.example"

    _, recorded = slack_users.changed(jane("jane@new.example", 200))

    assert recorded is Recorded.NEWS
    assert [email_of(slack_users), email_of(slack_users)] == ["jane@new.example"] * 2
    assert client.users_info.call_count == 2  # once before, once after the change
    assert store.slack_profiles.latest() == 1


def test_a_status_change_leaves_the_cached_profile_and_writes_nothing(store: Store) -> None:
    client = answers(jane("jane@old.example", 100))
    slack_users = SlackUsers(client, clock=lambda: 0.0, reported=store.slack_profiles)
    slack_users.changed(jane("jane@old.example", 100))
    assert email_of(slack_users) == "jane@old.example"  # asked once

    _, recorded = slack_users.changed(jane("Jane@Old.example", 150, real_name="Jane (on leave)"))

    assert recorded is Recorded.SAME
    assert email_of(slack_users) == "jane@old.example" and client.users_info.call_count == 1
    assert store.slack_profiles.latest() == 1  # nothing written for it


def test_an_event_agreeing_with_an_outdated_record_is_not_taken_as_current(store: Store) -> None:
    store.slack_profiles.record("UJANE", ReportedProfile("jane@x.example", False), 100)
    # Her change to Y (stamped 400) was missed while the bot was down; Slack says Y now.
    client = answers(jane("jane@y.example", 400))
    slack_users = SlackUsers(client, clock=lambda: 0.0, reported=store.slack_profiles)

    _, recorded = slack_users.changed(jane("jane@x.example", 150, real_name="Jane X"))  # a late status

    assert recorded is Recorded.SAME
    assert email_of(slack_users) == "jane@y.example"  # asked of Slack, not taken from the event


def test_a_change_delivered_late_to_another_process_is_not_kept_there(
    two_stores: tuple[Store, Store],
) -> None:
    gone = jane("jane@new.example", 300, deleted=True)
    ours = SlackUsers(answers(), clock=lambda: 0.0, reported=two_stores[0].slack_profiles)
    theirs = SlackUsers(answers(gone), clock=lambda: 0.0, reported=two_stores[1].slack_profiles)
    ours.changed(gone)  # deactivated, heard here

    _, recorded = theirs.changed(jane("jane@new.example", 250))  # Slack's retry of an earlier one

    profile = theirs.profile("UJANE")
    assert recorded is Recorded.OLDER
    assert profile is not None and profile.deleted  # asked Slack, not the late event


def test_a_change_another_process_recorded_ends_this_ones_cached_profile(
    two_stores: tuple[Store, Store],
) -> None:
    here = answers(jane("jane@old.example", 100), jane("jane@new.example", 200))
    there = Mock(spec=WebClient)
    ours = SlackUsers(here, clock=lambda: 0.0, reported=two_stores[0].slack_profiles)
    theirs = SlackUsers(there, clock=lambda: 0.0, reported=two_stores[1].slack_profiles)
    assert email_of(ours) == "jane@old.example"

    theirs.changed(jane("jane@new.example", 200))  # the event reached the other process

    assert [email_of(ours), email_of(ours)] == ["jane@new.example"] * 2
    assert here.users_info.call_count == 2  # asked again once, then cached again
    assert there.mock_calls == []


def test_an_answer_sent_before_a_change_is_asked_for_again(store: Store) -> None:
    client = Mock(spec=WebClient)
    slack_users = SlackUsers(client, clock=lambda: 0.0, reported=store.slack_profiles)
    in_flight = {"user": jane("jane@old.example", 100)}

    def users_info(user: str) -> dict[str, Any]:
        client.users_info.side_effect = [{"user": jane("jane@new.example", 200)}]
        slack_users.changed(jane("jane@new.example", 200))  # user_change lands meanwhile
        return in_flight  # what Slack had when asked

    client.users_info.side_effect = users_info

    assert email_of(slack_users) == "jane@old.example"  # what Slack said when asked
    assert email_of(slack_users) == "jane@new.example"  # then asked again, once
    assert email_of(slack_users) == "jane@new.example"


def test_an_answer_stamped_older_still_counts_as_asked_so_slack_is_not_asked_again_at_once(
    store: Store,
) -> None:
    client = answers(jane("jane@new.example", 200), jane("jane@new.example", 100))  # a lagging replica
    now = [0.0]
    slack_users = SlackUsers(client, clock=lambda: now[0], reported=store.slack_profiles)
    assert email_of(slack_users) == "jane@new.example"
    now[0] = PROFILE_TTL + 1  # stale: ask Slack

    asked = [email_of(slack_users) for _ in range(3)]

    assert asked == ["jane@new.example"] * 3
    assert client.users_info.call_count == 2
