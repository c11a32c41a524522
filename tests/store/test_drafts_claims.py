"""Drafts left "posting" by a process that died mid-create: retried, and as ambiguous.

Times are explicit: a claim goes stale after ``STALE_CLAIM`` by the arguments given.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import Store
from store.drafts import STALE_CLAIM

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def left_posting(store: Store, key: str = "k") -> None:
    """A draft claimed at NOW by a process that was then killed inside the create."""
    store.drafts.save(key, "U1", {"subject": "s"}, NOW - timedelta(minutes=1))
    assert store.drafts.claim(key, NOW)


def test_taking_over_a_stale_posting_claim_makes_the_draft_ambiguous(store: Store) -> None:
    left_posting(store)

    assert store.drafts.claim("k", NOW + STALE_CLAIM + SECOND)

    draft = store.drafts.get("k")
    assert draft is not None and draft.ambiguous  # the dead process may have created it
    assert (draft.state, draft.attempts) == ("posting", 2)


@pytest.mark.parametrize(
    "state",
    [
        "pending",  # a first attempt
        "deferred",  # a retry after Nexudus was down (nothing reached it)
        "failed",  # the member submits again after a refusal
    ],
)
def test_claiming_an_open_draft_leaves_it_unambiguous(store: Store, state: str) -> None:
    store.drafts.save("k", "U1", {}, NOW)
    if state != "pending":
        store.drafts.claim("k", NOW)
        if state == "deferred":
            store.drafts.defer("k", "down", ambiguous=False, retry_at=NOW, now=NOW)
        else:
            store.drafts.fail("k", "refused", NOW)

    assert store.drafts.claim("k", NOW + SECOND)

    draft = store.drafts.get("k")
    assert draft is not None and not draft.ambiguous


def test_a_live_posting_claim_is_neither_due_nor_taken(store: Store) -> None:
    left_posting(store)
    almost = NOW + STALE_CLAIM - SECOND

    assert store.drafts.due(almost) == []
    assert not store.drafts.claim("k", almost)
    draft = store.drafts.get("k")
    assert draft is not None and not draft.ambiguous


def test_a_stale_posting_draft_is_due_with_deferred_ones_in_time_order(store: Store) -> None:
    left_posting(store, "crashed")
    store.drafts.save("waiting", "U1", {}, NOW)
    store.drafts.claim("waiting", NOW)
    store.drafts.defer("waiting", "down", ambiguous=False, retry_at=NOW + timedelta(minutes=1), now=NOW)
    store.drafts.save("later", "U1", {}, NOW)
    store.drafts.claim("later", NOW)
    store.drafts.defer("later", "down", ambiguous=False, retry_at=NOW + timedelta(hours=1), now=NOW)

    due = store.drafts.due(NOW + STALE_CLAIM + SECOND)

    assert [d.key for d in due] == ["crashed", "waiting"]  # "later" is not due yet
