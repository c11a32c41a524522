"""The outbox read side: one message by key, and counts and lists by state."""

from __future__ import annotations

from store import Store
from store.relay_models import OutboxMessage
from tests.store.conftest import NOW


def message(key: str) -> OutboxMessage:
    return OutboxMessage(key=key, target="C1", text=key, blocks=[], created_at=NOW)


def test_messages_are_counted_and_listed_by_state(store: Store) -> None:
    store.outbox.add([message("k1"), message("k2"), message("k3")])
    store.outbox.mark_sent("k1", "C1", "1.0", NOW)

    assert (store.outbox.count("pending"), store.outbox.count("sent"), store.outbox.count("failed")) == (
        2,
        1,
        0,
    )
    assert [m.key for m in store.outbox.in_state("sent")] == ["k1"]


def test_a_message_is_found_by_its_key(store: Store) -> None:
    store.outbox.add([message("k1")])

    found = store.outbox.get("k1")

    assert found is not None and (found.text, found.state, found.attempts) == ("k1", "pending", 0)
    assert store.outbox.get("k2") is None
