"""Where the relay left off: cursors and the ids it has already seen."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_state import record_poll
from tests.store.conftest import NOW


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
