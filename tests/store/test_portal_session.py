"""The Nexudus tokens: none until saved, then the latest one."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.models import PortalSession
from tests.store.conftest import NOW


def test_tokens_are_kept_and_a_refresh_replaces_them(store: Store) -> None:
    first = PortalSession(client_id="c", access_token="a1", refresh_token="r1", expires_at=NOW)
    refreshed = PortalSession(
        client_id="c", access_token="a2", refresh_token="r2", expires_at=NOW + timedelta(hours=1)
    )
    assert store.portal_session.load() is None

    store.portal_session.save(first)
    store.portal_session.save(refreshed)

    assert store.portal_session.load() == refreshed
