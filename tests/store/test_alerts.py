"""Alerts: raised once until cleared, across two connections to one file (two processes)."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import OutboxMessage
from tests.store.conftest import NOW


def notice(key: str) -> OutboxMessage:
    return OutboxMessage(key=key, target="user:U1", text="t", blocks=[], created_at=NOW)


def test_an_alert_is_raised_once_until_cleared(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores

    assert first.alerts.raise_once("webhooks", "down", NOW, [notice("a1")])
    assert not second.alerts.raise_once("webhooks", "down", NOW, [notice("a2")])
    assert second.alerts.clear("webhooks", NOW + timedelta(minutes=1), [notice("c1")])
    assert not first.alerts.clear("webhooks", NOW + timedelta(minutes=2), [notice("c2")])
    assert first.alerts.raise_once("webhooks", "down again", NOW + timedelta(minutes=3), [notice("a3")])

    queued = {k for k in ("a1", "a2", "c1", "c2", "a3") if first.outbox.get(k) is not None}
    assert queued == {"a1", "c1", "a3"}
    alert = second.alerts.get("webhooks")
    assert alert is not None and alert.raised and alert.text == "down again"


def test_clearing_an_alert_never_raised_does_nothing(store: Store) -> None:
    assert not store.alerts.clear("webhooks", NOW, [notice("c1")])
    assert store.alerts.get("webhooks") is None and store.outbox.get("c1") is None
