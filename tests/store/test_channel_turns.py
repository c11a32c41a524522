"""Channel turns: each write to a channel takes the next turn, ``every`` after the one before,
whichever connection (process) takes it; other channels are not held up."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from tests.store.conftest import NOW

SECOND = timedelta(seconds=1)
LONGEST = timedelta(seconds=3)


def test_turns_are_a_second_apart_per_channel(store: Store) -> None:
    turns = store.channel_turns

    waits = [
        turns.take_turn(channel, NOW, SECOND, LONGEST) for channel in ("CBUSY", "CBUSY", "COTHER", "CBUSY")
    ]

    assert waits == [timedelta(0), SECOND, timedelta(0), 2 * SECOND]
    assert turns.take_turn("CBUSY", NOW + 5 * SECOND, SECOND, LONGEST) == timedelta(0)  # long free again


def test_every_connection_takes_turns_from_the_same_queue(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores

    assert first.channel_turns.take_turn("CBUSY", NOW, SECOND, LONGEST) == timedelta(0)
    assert second.channel_turns.take_turn("CBUSY", NOW + SECOND / 2, SECOND, LONGEST) == SECOND / 2


def test_a_turn_too_far_off_is_not_waited_for(store: Store) -> None:
    # The clock set back an hour after turns were taken: the queue starts again from now.
    for _ in range(3):
        store.channel_turns.take_turn("CBUSY", NOW, SECOND, LONGEST)

    assert store.channel_turns.take_turn("CBUSY", NOW - timedelta(hours=1), SECOND, LONGEST) == timedelta(0)
    assert store.channel_turns.take_turn("CBUSY", NOW - timedelta(hours=1), SECOND, LONGEST) == SECOND
