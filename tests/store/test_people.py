"""Per-person preferences (defaults until set) and the portal people cache."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import PortalPerson, Preferences
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


def test_a_remembered_portal_person_comes_back_and_is_replaced_by_a_newer_look(store: Store) -> None:
    first = PortalPerson(
        portal_user_id=77, full_name="Jane Doe", checked_at=NOW, expires_at=NOW + timedelta(days=1)
    )
    later = first.model_copy(update={"slack_user_id": "UJANE", "checked_at": NOW + timedelta(hours=1)})

    store.portal_people.remember(first)
    assert store.portal_people.get(77) == first
    store.portal_people.remember(later)

    assert store.portal_people.get(77) == later
    assert store.portal_people.get(78) is None
