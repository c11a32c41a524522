"""Thread subjects: kept by thread id, fresh only within their time to live."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.thread_subjects import ThreadSubject
from tests.store.conftest import NOW

HOUR = timedelta(hours=1)


def subject(thread_id: int, text: str, minutes_ago: int = 0) -> ThreadSubject:
    return ThreadSubject(
        thread_id=thread_id, subject=text, business_id=1, fetched_at=NOW - timedelta(minutes=minutes_ago)
    )


def test_only_subjects_read_within_the_ttl_are_fresh(store: Store) -> None:
    store.thread_subjects.remember([subject(1, "Recent", 5), subject(2, "Old", 90)])

    fresh = store.thread_subjects.fresh([1, 2, 3], now=NOW, ttl=HOUR)

    assert list(fresh) == [1]
    assert fresh[1].subject == "Recent" and fresh[1].fetched_at == NOW - timedelta(minutes=5)


def test_a_second_read_replaces_the_first(store: Store) -> None:
    store.thread_subjects.remember([subject(1, "Before", 90)])
    store.thread_subjects.remember([subject(1, "After")])

    assert store.thread_subjects.fresh([1], now=NOW, ttl=HOUR)[1].subject == "After"
