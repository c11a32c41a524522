"""Holding a lease while work runs: exclusive across processes, renewed, released, waited for."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.leases import LeaseKeeper
from store import Store
from tests.conftest import wait_for


def test_one_process_holds_a_lease_and_releases_it_when_done(two_stores: tuple[Store, Store]) -> None:
    a, b = (LeaseKeeper(store.leases) for store in two_stores)

    with a.hold("poll") as first, b.hold("poll") as second:
        assert (first, second) == (True, False)
    with b.hold("poll") as after:
        assert after


def test_a_held_lease_is_renewed_while_the_work_runs(two_stores: tuple[Store, Store]) -> None:
    store, other = two_stores
    keeper = LeaseKeeper(store.leases, ttl=timedelta(seconds=0.3))

    def expiry() -> datetime:
        held = other.leases.holder("digests", utc_now())
        assert held is not None, "the lease lapsed while its holder worked"
        return held[1]

    with keeper.hold("digests"):
        first = expiry()
        # Work outlasting the ttl keeps the lease: its end moves on, and nobody else gets it.
        wait_for(lambda: expiry() > first + timedelta(seconds=0.3))
        assert not other.leases.acquire("digests", "other", timedelta(seconds=1), utc_now())


def test_a_patient_caller_gets_the_lease_once_a_dead_holder_lets_it_lapse(
    two_stores: tuple[Store, Store],
) -> None:
    store, dead = two_stores
    dead.leases.acquire("digests", "dead", timedelta(seconds=0.5), utc_now())  # never renewed

    with LeaseKeeper(store.leases).hold("digests", patience=10) as held:
        assert held
