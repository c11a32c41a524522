"""A 401 from a live account: a record gone, a role missing, or the login itself refused.

Live Nexudus accounts answer 401 for a deleted record and for a write naming one
(reference §15). Only a token that Nexudus refuses outright is renewed, and at most once
every few minutes.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.portal import NexudusClient, PortalAuthError, PortalNotFound
from bot.portal.auth import TokenKeeper
from bot.portal.ratelimit import RateLimiter, Window
from bot.portal.transport import PROBE_PATH, PortalTransport
from store import Store
from tests.bot.portal.test_client import FakeTime, Portal

GONE = httpx.Response(401, json={"Message": "Not found"})


def client_on(tmp_path: Path, portal: Portal, clock: FakeTime) -> NexudusClient:
    store = Store(tmp_path / "bot.db")
    http = httpx.Client(base_url="https://nexudus.test", transport=httpx.MockTransport(portal))
    tokens = TokenKeeper(
        http, username="bot@example.com", password=SecretStr("pw"), sessions=store.portal_session
    )
    limiter = RateLimiter(all_calls=(Window(1000, 1.0),), clock=clock.now, sleep=clock.sleep)
    return NexudusClient(
        PortalTransport(http, tokens, limiter, sleep=clock.sleep, monotonic=clock.now), limiter
    )


def probes(portal: Portal) -> int:
    return sum(1 for r in portal.requests if r.url.path == PROBE_PATH)


def test_deleted_records_are_gone_after_one_probe_and_no_new_grant(tmp_path: Path) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Records": []}) if request.url.path == PROBE_PATH else GONE

    portal, clock = Portal(api), FakeTime([])
    client = client_on(tmp_path, portal, clock)

    for thread_id in range(12):
        with pytest.raises(PortalNotFound):
            client.thread(thread_id)

    assert len(portal.grants) == 1  # the first login only
    assert probes(portal) == 1  # remembered for the rest of the poll


def test_a_token_revoked_meanwhile_is_noticed_once_the_probe_is_old(tmp_path: Path) -> None:
    revoked = {"a1": False}

    def api(request: httpx.Request) -> httpx.Response:
        token = request.headers["authorization"].removeprefix("Bearer ")
        if revoked.get(token):
            return httpx.Response(401, json={"Message": "Authorization has been denied for this request."})
        return httpx.Response(200, json={"Records": []}) if request.url.path == PROBE_PATH else GONE

    portal, clock = Portal(api), FakeTime([])
    client = client_on(tmp_path, portal, clock)
    with pytest.raises(PortalNotFound):
        client.thread(1)
    revoked["a1"] = True
    clock.sleep(11)  # older than what a probe is trusted for

    with pytest.raises(PortalNotFound):
        client.thread(2)  # the token was renewed, and the fresh one says the record is gone

    assert [g["grant_type"] for g in portal.grants] == ["password", "refresh_token"]


def test_a_list_refused_to_a_working_token_is_a_missing_role_not_a_new_grant(tmp_path: Path) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == PROBE_PATH:
            return httpx.Response(200, json={"Records": []})
        return httpx.Response(401, json={"Message": "Authorization has been denied for this request."})

    portal, clock = Portal(api), FakeTime([])
    client = client_on(tmp_path, portal, clock)

    with pytest.raises(PortalAuthError, match="may not GET /api/community/communitygroups"):
        client.groups()
    assert len(portal.grants) == 1


def test_a_refused_account_costs_one_grant_every_few_minutes(tmp_path: Path) -> None:
    portal = Portal(lambda request: httpx.Response(401, json={"Message": "Authorization has been denied."}))
    clock = FakeTime([])
    client = client_on(tmp_path, portal, clock)

    for _ in range(5):
        with pytest.raises(PortalAuthError, match="refused the bot's account"):
            client.groups()
        clock.sleep(20)

    assert [g["grant_type"] for g in portal.grants] == ["password", "refresh_token"]
