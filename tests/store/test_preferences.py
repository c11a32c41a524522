"""Per-person relay preferences: defaults until set, fields set one at a time kept together."""

from __future__ import annotations

from store import Store
from store.relay_models import Preferences
from tests.store.conftest import NOW


def test_someone_who_chose_nothing_has_the_defaults(store: Store) -> None:
    assert store.preferences.get("U1") == Preferences(slack_user_id="U1")


def test_preferences_set_one_at_a_time_are_kept_together(store: Store) -> None:
    store.preferences.set("U1", replies="digest")
    store.preferences.set("U1", digest_time="07:30")
    store.preferences.digested("U1", NOW)

    assert store.preferences.get("U1") == Preferences(
        slack_user_id="U1", replies="digest", digest_time="07:30", last_digest_at=NOW
    )
    assert store.preferences.get("U2") == Preferences(slack_user_id="U2")
