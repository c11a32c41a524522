"""Channel subscriptions: added with their filters, listed, removed one or all."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import Subscription, SubscriptionMode
from tests.store.conftest import NOW


def subscribe(store: Store, channel_id: str, mode: SubscriptionMode = "digest") -> Subscription:
    return store.subscriptions.add(
        channel_id=channel_id,
        mode=mode,
        business_id=1,
        group_id=None,
        tag="kitchen",
        digest_time="09:00" if mode == "digest" else None,
        created_by="UADMIN",
        now=NOW,
    )


def test_a_new_subscription_comes_back_with_its_filters_and_owes_nothing_older(store: Store) -> None:
    added = subscribe(store, "C1")

    assert store.subscriptions.get(added.id) == added
    assert (added.channel_id, added.business_id, added.tag, added.digest_time) == (
        "C1",
        1,
        "kitchen",
        "09:00",
    )
    assert added.last_digest_at == NOW
    assert store.subscriptions.get(added.id + 1) is None


def test_listing_by_mode_and_by_channel(store: Store) -> None:
    digest = subscribe(store, "C1")
    instant = subscribe(store, "C1", "instant")
    elsewhere = subscribe(store, "C2", "instant")

    assert store.subscriptions.all() == [digest, instant, elsewhere]
    assert store.subscriptions.all("instant") == [instant, elsewhere]
    assert store.subscriptions.in_channel("C1") == [digest, instant]


def test_removing_one_touches_only_that_channels_subscription(store: Store) -> None:
    kept = subscribe(store, "C1")
    gone = subscribe(store, "C1", "instant")
    elsewhere = subscribe(store, "C2")

    assert store.subscriptions.remove("C1", elsewhere.id) == 0  # not this channel's
    assert store.subscriptions.remove("C1", gone.id) == 1

    assert store.subscriptions.all() == [kept, elsewhere]


def test_removing_all_of_a_channels_subscriptions_says_how_many(store: Store) -> None:
    subscribe(store, "C1")
    subscribe(store, "C1", "instant")
    elsewhere = subscribe(store, "C2")

    assert store.subscriptions.remove("C1") == 2
    assert store.subscriptions.remove("C1") == 0
    assert store.subscriptions.all() == [elsewhere]


def test_a_sent_digest_is_stamped(store: Store) -> None:
    added = subscribe(store, "C1")

    store.subscriptions.digested(added.id, NOW + timedelta(days=1))

    found = store.subscriptions.get(added.id)
    assert found is not None and found.last_digest_at == NOW + timedelta(days=1)
