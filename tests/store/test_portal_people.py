"""The portal people cache: a look-up is kept and replaced by a newer one."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import PortalPerson
from tests.store.conftest import NOW


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
