"""Slack ↔ portal links: looked up by either side; manual links outlast lookups."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.models import Identity, IdentitySource
from tests.store.conftest import NOW


def link(slack_user_id: str, portal_user_id: int | None, source: IdentitySource = "email") -> Identity:
    return Identity(
        slack_user_id=slack_user_id,
        state="linked" if portal_user_id else "missing",
        source=source,
        portal_user_id=portal_user_id,
        full_name="Jane Doe" if portal_user_id else None,
        checked_at=NOW,
        expires_at=None if source == "manual" else NOW + timedelta(days=1),
    )


def test_a_remembered_lookup_comes_back_as_it_was(store: Store) -> None:
    store.identities.remember(link("U1", 77))

    assert store.identities.get("U1") == link("U1", 77)
    assert store.identities.get("U2") is None


def test_slack_users_of_a_portal_account_are_linked_ones_manual_first(store: Store) -> None:
    store.identities.remember(link("UAUTO", 77))
    store.identities.remember(link("UHAND", 77, source="manual"))
    store.identities.remember(link("UOTHER", 78))
    store.identities.remember(link("UNONE", None))

    found = store.identities.find_by_portal_user(77)

    assert [i.slack_user_id for i in found] == ["UHAND", "UAUTO"]


def test_forgetting_a_lookup_keeps_a_manual_link(store: Store) -> None:
    store.identities.remember(link("UAUTO", 77))
    store.identities.remember(link("UHAND", 78, source="manual"))

    assert store.identities.forget_lookup("UAUTO") is True
    assert store.identities.forget_lookup("UHAND") is False
    assert store.identities.get("UAUTO") is None
    assert store.identities.get("UHAND") == link("UHAND", 78, source="manual")


def test_forgetting_removes_any_link_and_says_whether_there_was_one(store: Store) -> None:
    store.identities.remember(link("UHAND", 78, source="manual"))

    assert store.identities.forget("UHAND") is True
    assert store.identities.forget("UHAND") is False
    assert store.identities.get("UHAND") is None
