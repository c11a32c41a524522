"""Two bot processes on one file: outbox claims, leases, and writes that wait for each other.

Each ``Store`` is its own SQLite connection, as a second process would open; times are
explicit, so expiry is a matter of arguments, not of waiting.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import Store
from store.relay_models import OutboxMessage

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CLAIM = timedelta(minutes=2)
TTL = timedelta(minutes=2)


def message(key: str, created_at: datetime = NOW) -> OutboxMessage:
    return OutboxMessage(key=key, target="CGENERAL", text=key, blocks=[], created_at=created_at)


def test_a_claimed_message_cannot_be_claimed_by_another_sender(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.outbox.add([message("m1")])

    assert a.outbox.claim("m1", "A", NOW + CLAIM, NOW)
    assert not b.outbox.claim("m1", "B", NOW + CLAIM, NOW + timedelta(seconds=30))
    assert a.outbox.claim("m1", "A", NOW + 2 * CLAIM, NOW + timedelta(seconds=30))  # its own: renewed


def test_due_hides_messages_others_hold_but_not_ones_own(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.outbox.add([message("m1"), message("m2")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)

    assert [m.key for m in b.outbox.due(NOW, owner="B")] == ["m2"]
    assert [m.key for m in a.outbox.due(NOW, owner="A")] == ["m1", "m2"]


def test_an_expired_claim_is_taken_over(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.outbox.add([message("m1")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)  # ...and process A is killed

    later = NOW + CLAIM
    assert [m.key for m in b.outbox.due(later, owner="B")] == ["m1"]
    assert b.outbox.claim("m1", "B", later + CLAIM, later)
    assert not a.outbox.claim("m1", "A", later + CLAIM, later)  # A's claim is gone with its lease


def test_released_claims_are_free_at_once(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.outbox.add([message("m1"), message("m2")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)
    a.outbox.claim("m2", "A", NOW + CLAIM, NOW)
    a.outbox.mark_sent("m2", "CGENERAL", "1.1", NOW)

    assert a.outbox.release_claims("A") == 1  # the sent one is not A's to release any more
    assert b.outbox.claim("m1", "B", NOW + CLAIM, NOW)


@pytest.mark.parametrize(
    "settle",
    [
        # Sent by the other process meanwhile: never claimable again.
        lambda store: store.outbox.mark_sent("m1", "CGENERAL", "1.1", NOW),
        # Failed for good.
        lambda store: store.outbox.fail("m1", "channel_not_found", owner="A"),
        # Waiting for a retry a minute from now.
        lambda store: store.outbox.retry_later("m1", "ratelimited", NOW + timedelta(minutes=1), owner="A"),
    ],
    ids=["sent", "failed", "retry-later"],
)
def test_only_pending_due_messages_can_be_claimed(two_stores: tuple[Store, Store], settle: object) -> None:
    a, b = two_stores
    a.outbox.add([message("m1")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)
    settle(a)  # type: ignore[operator]

    assert not b.outbox.claim("m1", "B", NOW + CLAIM, NOW)
    assert b.outbox.due(NOW, owner="B") == []


@pytest.mark.parametrize(
    "late_outcome",
    [
        # A's send failed for good, as it thinks.
        lambda store: store.outbox.fail("m1", "channel_not_found", owner="A"),
        # ...or it wants to try again later.
        lambda store: store.outbox.retry_later("m1", "internal_error", NOW + CLAIM, owner="A"),
    ],
    ids=["fail", "retry-later"],
)
def test_a_sender_whose_claim_lapsed_cannot_undo_what_another_sent(
    two_stores: tuple[Store, Store], late_outcome: object
) -> None:
    a, b = two_stores
    a.outbox.add([message("m1")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)  # A stalls past its claim...
    later = NOW + CLAIM
    b.outbox.claim("m1", "B", later + CLAIM, later)
    b.outbox.mark_sent("m1", "CGENERAL", "1.1", later)  # ...B sends it...

    assert late_outcome(a) is False  # type: ignore[operator]  # ...and A's late answer is ignored

    sent = a.outbox.get("m1")
    assert sent is not None and (sent.state, sent.ts, sent.last_error) == ("sent", "1.1", None)
    assert a.outbox.replay_failed() == 0  # nothing for an admin to send a second time


def test_a_sender_whose_claim_was_taken_over_cannot_settle_the_new_holders_send(
    two_stores: tuple[Store, Store],
) -> None:
    a, b = two_stores
    a.outbox.add([message("m1")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)
    later = NOW + CLAIM
    b.outbox.claim("m1", "B", later + CLAIM, later)  # B is sending it now

    assert not a.outbox.fail("m1", "channel_not_found", owner="A")
    assert b.outbox.retry_later("m1", "internal_error", later + CLAIM, owner="B")
    waiting = a.outbox.get("m1")
    assert waiting is not None and (waiting.state, waiting.attempts) == ("pending", 1)


def test_release_keeps_the_claims_asked_for(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.outbox.add([message("m1"), message("m2")])
    a.outbox.claim("m1", "A", NOW + CLAIM, NOW)
    a.outbox.claim("m2", "A", NOW + CLAIM, NOW)  # sent, but "sent" is not written yet

    assert a.outbox.release_claims("A", keep=["m2"]) == 1
    assert [m.key for m in b.outbox.due(NOW, owner="B")] == ["m1"]


def test_a_lease_has_one_holder_until_it_expires(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores

    assert a.leases.acquire("poll", "A", TTL, NOW)
    assert not b.leases.acquire("poll", "B", TTL, NOW + timedelta(seconds=10))
    assert not a.leases.acquire("poll", "A", TTL, NOW)  # not re-entrant: a second thread waits its turn
    assert b.leases.acquire("poll", "B", TTL, NOW + TTL)  # A stopped renewing
    assert b.leases.holder("poll", NOW + TTL) == ("B", NOW + 2 * TTL)


def test_nobody_holds_a_lease_once_its_time_is_up(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    assert b.leases.holder("poll", NOW) is None
    a.leases.acquire("poll", "A", TTL, NOW)

    assert b.leases.holder("poll", NOW + TTL - timedelta(seconds=1)) == ("A", NOW + TTL)
    assert b.leases.holder("poll", NOW + TTL) is None  # its row is still there, lapsed


def test_renewal_keeps_a_lease_and_fails_once_it_was_taken(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.leases.acquire("poll", "A", TTL, NOW)

    assert a.leases.renew("poll", "A", TTL, NOW + timedelta(minutes=1))
    assert not b.leases.acquire("poll", "B", TTL, NOW + TTL)  # renewed: now lives to 12:03
    assert b.leases.acquire("poll", "B", TTL, NOW + timedelta(minutes=3))
    assert not a.leases.renew("poll", "A", TTL, NOW + timedelta(minutes=3))


def test_release_frees_a_lease_only_for_its_holder(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.leases.acquire("digests", "A", TTL, NOW)

    b.leases.release("digests", "B")
    assert a.leases.holder("digests", NOW) == ("A", NOW + TTL)
    a.leases.release("digests", "A")
    assert b.leases.acquire("digests", "B", TTL, NOW)


def test_two_processes_hammering_writes_never_see_database_locked(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    Store(path).close()
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(2) as pool:
        # An error in either process (sqlite3.OperationalError: database is locked) re-raises here.
        pool.starmap(hammer, [(str(path), "A"), (str(path), "B")])

    store = Store(path)
    assert store.outbox.count("sent") == 2 * HAMMER_ROUNDS
    store.close()


HAMMER_ROUNDS = 500


def hammer(path: str, owner: str) -> None:
    """Read-then-write transactions, as the sender and the lease keeper make them."""
    store = Store(path)
    for n in range(HAMMER_ROUNDS):
        key = f"{owner}{n}"
        store.outbox.add([message(key)])
        store.leases.acquire("poll", owner, TTL, NOW + n * TTL)
        store.outbox.claim(key, owner, NOW + CLAIM, NOW)
        store.outbox.mark_sent(key, "CGENERAL", f"{n}.1", NOW)  # sqlite-utils reads, then writes
        store.leases.release("poll", owner)
    store.close()
