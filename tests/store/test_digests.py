"""Digest items: queued once per target, listed per target until digested."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import DigestItem
from tests.store.conftest import NOW


def item(target: str, key: str, minutes: int = 0) -> DigestItem:
    return DigestItem(
        target=target, item_key=key, payload={"id": key}, created_at=NOW + timedelta(minutes=minutes)
    )


def test_an_item_is_queued_once_per_target(store: Store) -> None:
    assert store.digests.add([item("user:U1", "thread:1"), item("user:U2", "thread:1")]) == 2
    assert store.digests.add([item("user:U1", "thread:1")]) == 0


def test_targets_waiting_are_listed_once_each_until_their_items_are_digested(store: Store) -> None:
    store.digests.add([item("user:U2", "thread:1"), item("user:U2", "thread:2"), item("user:U1", "thread:1")])

    assert store.digests.targets_waiting() == ["user:U1", "user:U2"]
    store.digests.drop("user:U1", ["thread:1"], NOW)
    assert store.digests.targets_waiting() == ["user:U2"]


def test_waiting_items_come_in_the_order_they_were_made(store: Store) -> None:
    later, earlier = item("user:U1", "thread:9", minutes=5), item("user:U1", "thread:8")
    store.digests.add([later, earlier])

    assert store.digests.waiting("user:U1") == [earlier, later]
    assert store.digests.waiting("user:U2") == []
