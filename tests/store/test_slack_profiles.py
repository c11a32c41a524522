"""What Slack last reported of members' profiles: a change is recorded once, numbered, seen by
every connection, and a change Slack stamped earlier never overwrites a later one."""

from __future__ import annotations

from store import Store
from store.slack_profiles import Recorded, ReportedProfile, fold_email

OLD = ReportedProfile("jane@example.com", False)
NEW = ReportedProfile("jane.smith@example.com", False)


def test_a_change_is_recorded_once_and_numbered(store: Store) -> None:
    assert store.slack_profiles.latest() == 0 and store.slack_profiles.reported("UJANE") is None

    assert store.slack_profiles.record("UJANE", OLD, 100) is Recorded.NEWS
    assert store.slack_profiles.record("UJANE", OLD, 150) is Recorded.SAME  # a status emoji
    assert (
        store.slack_profiles.record("ULEE", ReportedProfile("lee@example.com", False), 120) is Recorded.NEWS
    )
    assert store.slack_profiles.record("UJANE", NEW, 200) is Recorded.NEWS

    assert store.slack_profiles.reported("UJANE") == NEW
    assert store.slack_profiles.latest() == 3
    # Jane's last change is number 3, Lee's number 2.
    assert store.slack_profiles.changed_since(2, slack_user_id="UJANE", email=None)
    assert not store.slack_profiles.changed_since(3, slack_user_id="UJANE", email=None)
    assert not store.slack_profiles.changed_since(2, slack_user_id="ULEE", email=None)
    assert store.slack_profiles.changed_since(1, slack_user_id="ULEE", email=None)


def test_a_change_delivered_late_never_overwrites_a_later_one(store: Store) -> None:
    store.slack_profiles.record("UJANE", NEW, 200)

    assert store.slack_profiles.record("UJANE", OLD, 100) is Recorded.OLDER

    assert store.slack_profiles.reported("UJANE") == NEW and store.slack_profiles.latest() == 1


def test_every_connection_sees_a_change_another_recorded(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    first.slack_profiles.record("UJANE", OLD, 100)

    assert second.slack_profiles.record("UJANE", OLD, 100) is Recorded.SAME  # the same change, again
    assert second.slack_profiles.record("UJANE", NEW, 200) is Recorded.NEWS

    assert first.slack_profiles.reported("UJANE") == NEW and first.slack_profiles.latest() == 2


def test_a_change_is_found_by_member_or_by_the_email_it_gave(store: Store) -> None:
    store.slack_profiles.record("UJANE", OLD, 100)
    seen = store.slack_profiles.latest()
    store.slack_profiles.record("UJANE", NEW, 200)

    assert store.slack_profiles.changed_since(seen, slack_user_id="UJANE", email=None)
    assert store.slack_profiles.changed_since(seen, slack_user_id=None, email="Jane.Smith@example.com")
    assert not store.slack_profiles.changed_since(seen, slack_user_id="ULEE", email="lee@example.com")
    assert not store.slack_profiles.changed_since(seen + 1, slack_user_id="UJANE", email=None)


def test_emails_compare_as_lookups_and_sqlite_match_them(store: Store) -> None:
    assert fold_email(" Jane.Smith@Example.COM ") == "jane.smith@example.com"
    assert fold_email(None) == fold_email("") == ""
    for email in (" Jane.Smith@Example.COM ", "Élodie@Example.org"):
        with store.file.read() as db:
            in_sql = db.execute("SELECT lower(trim(?))", [email]).fetchone()[0]
        assert fold_email(email) == in_sql
