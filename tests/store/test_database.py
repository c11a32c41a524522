"""The SQLite file: private, WAL, migrated; drafts claimed once; manual links win."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store import Store
from store.models import Identity

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_database_file_is_private_wal_and_migrated(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")

    mode = stat.S_IMODE(os.stat(tmp_path / "bot.db").st_mode)
    assert mode == 0o600
    assert store.file.pending_migrations() == []
    with store.file.read() as db:
        assert db.journal_mode == "wal"
        assert {"drafts", "identities", "portal_session", "locations", "groups"} <= set(db.table_names())


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    Store(tmp_path / "bot.db").close()
    store = Store(tmp_path / "bot.db")

    assert store.file.pending_migrations() == []


def test_an_existing_world_readable_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    path.touch(mode=0o644)

    Store(path)

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_only_one_of_many_concurrent_claims_wins(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.drafts.save("k", "U1", {"subject": "s"}, NOW)
    wins: list[bool] = []

    def claim() -> None:
        wins.append(store.drafts.claim("k", NOW))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wins.count(True) == 1


def test_a_claim_left_by_a_dead_process_can_be_taken_again(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.drafts.save("k", "U1", {}, NOW)
    assert store.drafts.claim("k", NOW)

    assert not store.drafts.claim("k", NOW + timedelta(minutes=1))
    assert store.drafts.claim("k", NOW + timedelta(minutes=6))


def test_a_posted_draft_keeps_its_form_and_cannot_be_claimed(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.drafts.save("k", "U1", {"subject": "first"}, NOW)
    store.drafts.claim("k", NOW)
    store.drafts.mark_posted("k", 42, NOW)

    store.drafts.save("k", "U1", {"subject": "second"}, NOW)

    draft = store.drafts.get("k")
    assert draft is not None and draft.form == {"subject": "first"} and draft.thread_id == 42
    assert not store.drafts.claim("k", NOW + timedelta(hours=1))


def test_once_ambiguous_always_ambiguous(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    store.drafts.save("k", "U1", {}, NOW)
    store.drafts.defer("k", "timeout", ambiguous=True, retry_at=NOW, now=NOW)
    store.drafts.defer("k", "refused", ambiguous=False, retry_at=NOW, now=NOW)

    draft = store.drafts.get("k")
    assert draft is not None and draft.ambiguous


def test_automatic_lookup_never_overwrites_a_manual_link(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    manual = Identity(slack_user_id="U1", state="linked", source="manual", portal_user_id=1, checked_at=NOW)
    store.identities.remember(manual)

    store.identities.remember(
        Identity(
            slack_user_id="U1",
            state="missing",
            source="email",
            checked_at=NOW,
            expires_at=NOW + timedelta(minutes=10),
        )
    )

    assert store.identities.get("U1") == manual
