"""Relayed changes: what each channel post shows now is the fingerprint of its latest edit,
read for a whole scan at once."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relayed_changes import WITHDRAWN, RelayedChange
from tests.store.conftest import NOW


def edit(key: str, fingerprint: str, minutes: int, change: str = "edit:x") -> RelayedChange:
    return RelayedChange(
        key=key,
        change=f"{change}-{fingerprint}" if change != WITHDRAWN else change,
        channel="CNEWS",
        ts="1.1",
        text="t",
        blocks=[],
        fingerprint=fingerprint,
        created_at=NOW + timedelta(minutes=minutes),
    )


def test_each_post_shows_its_latest_edit_and_withdrawals_do_not_count(store: Store) -> None:
    store.relayed_changes.add(
        [
            edit("post:1", "a", 0),
            edit("post:1", "b", 5),
            edit("post:2", "c", 1),
            edit("post:2", "w", 9, WITHDRAWN),
        ]
    )

    shown = store.relayed_changes.latest_fingerprints(["post:1", "post:2", "post:3"])

    assert shown == {"post:1": "b", "post:2": "c"}
    assert store.relayed_changes.latest_fingerprints([]) == {}
