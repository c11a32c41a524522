"""The audit trail's table, and the identity columns that say who made a manual link."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.audit import AuditEntry
from store.models import Identity
from tests.store.conftest import NOW


def entry(minutes: int, action: str = "link", actor: str = "UADMIN") -> AuditEntry:
    return AuditEntry.model_validate(
        {"at": NOW + timedelta(minutes=minutes), "actor": actor, "action": action, "target": "UJANE"}
    )


def test_entries_come_back_oldest_first_and_the_limit_keeps_the_newest(store: Store) -> None:
    for minute, action in ((1, "link"), (2, "unlink"), (3, "subscribe")):
        store.audit.add(entry(minute, action))

    recent = store.audit.recent(2)

    assert [e.action for e in recent] == ["unlink", "subscribe"]
    assert recent[0].at == NOW + timedelta(minutes=2) and recent[0].actor == "UADMIN"


def test_an_added_entry_gets_an_id_and_keeps_its_detail(store: Store) -> None:
    added = store.audit.add(entry(0).model_copy(update={"detail": "portal user 7 (Jane)"}))

    assert added.id is not None
    assert store.audit.recent(1) == [added]


def test_a_manual_link_keeps_who_made_it_when_and_the_other_matches(store: Store) -> None:
    store.identities.remember(
        Identity(
            slack_user_id="UJANE",
            state="linked",
            source="manual",
            portal_user_id=7,
            checked_at=NOW,
            linked_by="UADMIN",
            linked_at=NOW,
            other_user_ids=(8, 9),
            reason="picked the active one",
        )
    )

    found = store.identities.get("UJANE")

    assert found is not None and found.linked_by == "UADMIN" and found.linked_at == NOW
    assert found.other_user_ids == (8, 9) and found.reason == "picked the active one"
    assert [i.slack_user_id for i in store.identities.manual_links()] == ["UJANE"]


def test_automatic_results_are_not_manual_links(store: Store) -> None:
    store.identities.remember(
        Identity(slack_user_id="UOMAR", state="linked", source="email", portal_user_id=8, checked_at=NOW)
    )

    assert store.identities.manual_links() == []
