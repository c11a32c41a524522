"""Drafts read back: by key, by the threads they posted, with the DM that tells of them."""

from __future__ import annotations

from store import Store
from tests.store.conftest import NOW


def test_threads_recorded_as_posted_map_to_their_drafts(store: Store) -> None:
    for key in ("posted", "waiting"):
        store.drafts.save(key, "U1", {"subject": key}, NOW)
    store.drafts.mark_posted("posted", 501, NOW)

    assert store.drafts.posted_as([501, 502]) == {501: "posted"}
    assert store.drafts.posted_as([]) == {}


def test_the_dm_about_a_draft_is_remembered(store: Store) -> None:
    store.drafts.save("k", "U1", {"subject": "s"}, NOW)

    store.drafts.note_message("k", "DU1", "1700000000.000100")

    draft = store.drafts.get("k")
    assert draft is not None and (draft.notice_channel, draft.notice_ts) == ("DU1", "1700000000.000100")
    assert draft.form == {"subject": "s"} and draft.state == "pending"
    assert store.drafts.get("other") is None
