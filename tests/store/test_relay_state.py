"""Where the relay left off: cursors and the ids it has already seen."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import OutboxMessage
from store.relay_state import record_poll
from tests.conftest import subscribe
from tests.store.conftest import NOW

GROUP = 1300003  # a Private group


def test_a_recorded_poll_moves_its_cursors_and_marks_its_ids_seen(store: Store) -> None:
    assert store.relay_state.cursor("threads") is None
    assert store.relay_state.cursor_recorded_at("threads") is None

    record_poll(
        store.file,
        messages=[],
        digest_items=[],
        seen={"thread": [1, 2]},
        cursors={"threads": "2026-11-26T11:59:00"},
        now=NOW,
    )

    assert store.relay_state.cursor("threads") == "2026-11-26T11:59:00"
    assert store.relay_state.cursor_recorded_at("threads") == NOW
    assert store.relay_state.unseen("thread", [3, 2, 1, 4]) == [3, 4]
    assert store.relay_state.unseen("message", [1]) == [1]  # each kind has its own ids
    assert store.relay_state.unseen("thread", []) == []


def test_ids_seen_before_a_moment_are_forgotten(store: Store) -> None:
    record_poll(store.file, messages=[], digest_items=[], seen={"thread": [1]}, cursors={}, now=NOW)
    later = NOW + timedelta(hours=1)
    record_poll(store.file, messages=[], digest_items=[], seen={"thread": [2]}, cursors={}, now=later)

    store.relay_state.forget_seen_before(later)

    assert store.relay_state.unseen("thread", [1, 2]) == [1]


def planned(key: str, target: str, needs_group: int | None = None) -> OutboxMessage:
    return OutboxMessage(key=key, target=target, text=key, blocks=[], created_at=NOW, needs_group=needs_group)


def test_a_private_group_post_planned_before_an_unsubscribe_in_another_process_is_not_recorded(
    two_stores: tuple[Store, Store],
) -> None:
    polling, admin = two_stores
    subscription = subscribe(admin, "GBOARD", group_id=GROUP)
    kept = subscribe(admin, "GOTHER", group_id=GROUP)
    admin.channel_audience.pause_subscription(kept.id, "a guest joined", NOW, [])
    plan = [
        planned("post:1:GBOARD", "GBOARD", GROUP),  # planned while GBOARD subscribed
        planned("post:1:GOTHER", "GOTHER", GROUP),  # held by a pause, released on resume
        planned("post:1:CPUBLIC", "CPUBLIC"),
        planned("dm:1", "user:UJANE"),
    ]

    admin.subscriptions.remove("GBOARD", subscription.id)  # /newthread unsubscribe, meanwhile
    admin.outbox.drop_unsubscribed("GBOARD")
    record_poll(polling.file, messages=plan, digest_items=[], seen={}, cursors={}, now=NOW)

    assert polling.outbox.get("post:1:GBOARD") is None  # else held forever: nothing would release it
    assert {m.key for m in admin.outbox.in_state("pending")} == {"post:1:GOTHER", "post:1:CPUBLIC", "dm:1"}
