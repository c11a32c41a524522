"""A digest is recorded once, even by two processes whose digest passes overlap (one paused
past its lease while the other took over): the later one records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.relay.digests import DigestSender
from bot.relay.items import DigestEntry, Message, RelayRenderer
from bot.relay.keys import PersonDigest, SubscriptionDigest
from bot.timekeeping import zone_or_utc
from emulators import seed
from emulators.stack import LocalStack
from store import Store
from store.relay_models import DigestItem, OutboxMessage
from tests.conftest import subscribe

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
THREAD = {"id": 1, "subject": "Spring", "location": "Canal Street", "author": "Omar"}


def reply_item(target: str, reply_id: int, at: datetime = NOW) -> DigestItem:
    reply = {"id": reply_id, "thread_id": 1, "author": "Omar", "text": f"reply {reply_id}"}
    return DigestItem(
        target=target, item_key=f"reply:{reply_id}", payload={"thread": THREAD, "reply": reply}, created_at=at
    )


def digest_message(key: str) -> OutboxMessage:
    return OutboxMessage(key=key, target=seed.JANE, text="digest", blocks=[], created_at=NOW)


def test_a_digest_whose_items_were_digested_meanwhile_records_nothing(
    two_stores: tuple[Store, Store],
) -> None:
    a, b = two_stores
    a.digests.add([reply_item("user:U1", 1), reply_item("user:U1", 2)])
    keys = [item.item_key for item in a.digests.waiting("user:U1")]  # A reads, then pauses

    assert b.digests.close_digest("user:U1", keys[1:], [digest_message("digest:b")], NOW)
    assert not a.digests.close_digest("user:U1", keys, [digest_message("digest:a")], NOW)

    assert a.outbox.get("digest:a") is None  # rolled back whole: no message...
    assert a.digests.waiting("user:U1") != []  # ...and reply 1 still waits for the next digest
    assert a.digests.close_digest("user:U1", keys[:1], [digest_message("digest:a2")], NOW)


def test_dropping_items_skips_those_already_digested(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    a.digests.add([reply_item("sub:1", 1), reply_item("sub:1", 2)])
    b.digests.close_digest("sub:1", ["reply:1"], [digest_message("digest:b")], NOW)

    a.digests.drop("sub:1", ["reply:1", "reply:2"], NOW)  # a thread turned private

    assert a.digests.targets_waiting() == []


class PausingRenderer:
    """The real renderer, but ``meanwhile`` runs while a digest is being built: the moment a
    process holding the items it read pauses past its lease and another takes over."""

    def __init__(self, inner: RelayRenderer, meanwhile: Callable[[], object]) -> None:
        self._inner = inner
        self._meanwhile = meanwhile

    def personal_digest(self, entries: list[DigestEntry]) -> list[Message]:
        self._meanwhile()
        return self._inner.personal_digest(entries)

    def channel_digest(self, entries: list[DigestEntry]) -> list[Message]:
        self._meanwhile()
        return self._inner.channel_digest(entries)


def digest_sender(stack: LocalStack, store: Store, renderer: object, now: datetime) -> DigestSender:
    return DigestSender(
        portal=stack.portal,
        digests=store.digests,
        subscriptions=store.subscriptions,
        preferences=store.preferences,
        slack_users=stack.bot.slack_users,
        renderer=renderer,  # type: ignore[arg-type]  # the two digest methods are all it uses
        default_time=time(8, 0),
        default_zone=lambda: zone_or_utc("UTC"),
        clock=lambda: now,
    )


def channel_target(stack: LocalStack) -> str:
    subscription = subscribe(stack.store, "CDIGEST", "digest", now=NOW - timedelta(days=1))
    return SubscriptionDigest(subscription.id).text()


@pytest.mark.parametrize(
    "target",
    [
        lambda stack: PersonDigest(seed.JANE).text(),  # a person's digest
        channel_target,  # a channel subscription's digest
    ],
    ids=["person", "channel"],
)
def test_two_processes_recording_one_due_digest_record_it_once(
    stack: LocalStack, target: Callable[[LocalStack], str]
) -> None:
    queued_for = target(stack)
    stack.store.digests.add([reply_item(queued_for, 1, NOW - timedelta(days=1))])
    other = Store(stack.settings.database)
    renderer = stack.bot.relay.digests._render
    later = NOW + timedelta(minutes=3)  # the other process took the lapsed lease
    taking_over = digest_sender(stack, other, renderer, later)
    paused = digest_sender(stack, stack.store, PausingRenderer(renderer, taking_over.run), NOW)

    assert paused.run() == 0  # its items went into the other process's digest
    other.close()

    [digest] = [m for m in stack.store.outbox.in_state("pending") if m.key.startswith("digest:")]
    assert digest.key.endswith(later.strftime("%Y%m%dT%H%M%S") + ":1")  # the other process's
