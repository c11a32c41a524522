"""The cached directory: swapped whole, read by name order or by id."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.models import Group, Location
from tests.store.conftest import NOW

CANAL = Location(id=1, name="Canal Street", time_zone="Europe/London")
HARBOUR = Location(id=2, name="Harbour View", time_zone=None)
KITCHEN = Group(id=10, business_id=1, name="Kitchen", access=0)
BOOKS = Group(id=11, business_id=1, name="Book club", access=1)


def test_an_empty_directory_has_nothing_and_was_never_refreshed(store: Store) -> None:
    assert store.directory.locations() == []
    assert store.directory.location(1) is None
    assert store.directory.group(10) is None
    assert store.directory.refreshed_at() is None


def test_locations_and_groups_come_back_by_name_and_by_id(store: Store) -> None:
    store.directory.replace([HARBOUR, CANAL], [KITCHEN, BOOKS], NOW)

    assert store.directory.locations() == [CANAL, HARBOUR]
    assert store.directory.location(1) == CANAL  # its time zone kept: the relay reads it
    assert store.directory.groups(1) == [BOOKS, KITCHEN]
    assert store.directory.groups(2) == []
    assert store.directory.group(11) == BOOKS
    assert store.directory.refreshed_at() == NOW


def test_replacing_drops_what_the_new_directory_no_longer_has(store: Store) -> None:
    store.directory.replace([CANAL, HARBOUR], [KITCHEN, BOOKS], NOW)

    store.directory.replace([HARBOUR], [], NOW + timedelta(minutes=15))

    assert store.directory.locations() == [HARBOUR]
    assert store.directory.location(1) is None
    assert store.directory.group(10) is None
    assert store.directory.refreshed_at() == NOW + timedelta(minutes=15)
