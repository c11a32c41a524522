"""Channel turns: each write to a channel takes the next turn, ``every`` after the one before,
whichever connection (process) takes it; other channels are not held up."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from tests.store.conftest import NOW

SECOND = timedelta(seconds=1)


def test_turns_are_a_second_apart_per_channel(store: Store) -> None:
    turns = store.channel_turns

    waits = [turns.take_turn(channel, NOW, SECOND) for channel in ("CBUSY", "CBUSY", "COTHER", "CBUSY")]

    assert waits == [timedelta(0), SECOND, timedelta(0), 2 * SECOND]
    assert turns.take_turn("CBUSY", NOW + 5 * SECOND, SECOND) == timedelta(0)  # long free again


def test_every_connection_takes_turns_from_the_same_queue(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores

    assert first.channel_turns.take_turn("CBUSY", NOW, SECOND) == timedelta(0)
    assert second.channel_turns.take_turn("CBUSY", NOW + SECOND / 2, SECOND) == SECOND / 2
