"""The Nexudus client against ``httpx.MockTransport``: auth, envelopes, errors, retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr

from bot.portal import (
    NexudusClient,
    PortalAuthError,
    PortalRejected,
    PortalThrottled,
    PortalUnavailable,
)
from bot.portal.auth import TokenKeeper
from bot.portal.models import NewThread
from bot.portal.ratelimit import RateLimiter, Window
from bot.portal.transport import PortalTransport
from store import Store
from store.models import PortalSession

Handler = Callable[[httpx.Request], httpx.Response]
THREAD = NewThread(business_id=1, user_id=2, subject="s", message="m")


class Portal:
    """A scripted Nexudus: token grants are answered; API calls go to ``api``."""

    def __init__(self, api: Handler) -> None:
        self.api = api
        self.grants: list[dict[str, str]] = []
        self.grant_headers: list[httpx.Headers] = []
        self.requests: list[httpx.Request] = []
        self.refusals = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/token":
            form = dict(parse_qsl(request.content.decode()))
            self.grants.append(form)
            self.grant_headers.append(request.headers)
            if self.refusals:
                self.refusals -= 1
                return httpx.Response(400, json={"error": "invalid_grant"})
            n = len(self.grants)
            return httpx.Response(
                200,
                json={
                    "access_token": f"a{n}",
                    "refresh_token": f"r{n}",
                    "expires_in": 3600,
                    "token_type": "bearer",
                },
            )
        self.requests.append(request)
        return self.api(request)


def make_client(
    tmp_path: Path, portal: Portal, *, sleeps: list[float] | None = None, store: Store | None = None
) -> tuple[NexudusClient, Store]:
    store = store or Store(tmp_path / "bot.db")
    http = httpx.Client(base_url="https://nexudus.test", transport=httpx.MockTransport(portal))
    tokens = TokenKeeper(
        http, username="bot@example.com", password=SecretStr("pw"), sessions=store.portal_session
    )
    recorded = sleeps if sleeps is not None else []
    clock = FakeTime(recorded)
    limiter = RateLimiter(
        all_calls=(Window(1000, 1.0),), writes=(Window(1000, 1.0),), clock=clock.now, sleep=clock.sleep
    )
    transport = PortalTransport(http, tokens, limiter, sleep=clock.sleep)
    return NexudusClient(transport, limiter, http), store


class FakeTime:
    """A clock that moves only when slept on; records every sleep."""

    def __init__(self, sleeps: list[float]) -> None:
        self.sleeps = sleeps
        self.at = 1000.0

    def now(self) -> float:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.at += seconds


def ok_list(records: list[dict[str, object]], page: int = 1, pages: int = 1) -> httpx.Response:
    return httpx.Response(200, json={"Records": records, "CurrentPage": page, "TotalPages": pages})


def test_login_is_form_encoded_with_a_client_id_header(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(200, json={"Id": 7}))
    client, _ = make_client(tmp_path, portal)

    client.user(7)

    assert portal.grants == [{"grant_type": "password", "username": "bot@example.com", "password": "pw"}]
    assert portal.grant_headers[0]["content-type"] == "application/x-www-form-urlencoded"
    assert portal.grant_headers[0]["client_id"]
    assert portal.requests[0].headers["authorization"] == "Bearer a1"


def test_a_restart_reuses_the_stored_token(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(200, json={"Id": 7}))
    first, store = make_client(tmp_path, portal)
    first.user(7)
    store.close()

    second, _ = make_client(tmp_path, portal, store=Store(tmp_path / "bot.db"))
    second.user(7)

    assert len(portal.grants) == 1


def test_near_expiry_the_token_is_refreshed_with_the_same_client_id(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(200, json={"Id": 7}))
    client, store = make_client(tmp_path, portal)
    client.user(7)
    session = store.portal_session.load()
    assert session is not None
    store.portal_session.save(
        session.model_copy(update={"expires_at": datetime.now(UTC) + timedelta(seconds=30)})
    )

    client.user(7)

    assert portal.grants[1] == {"grant_type": "refresh_token", "refresh_token": "r1"}
    assert portal.grant_headers[1]["client_id"] == portal.grant_headers[0]["client_id"]


def only_for_fresh_tokens(request: httpx.Request) -> httpx.Response:
    """Nexudus that has stopped taking the first token it gave (a1), as after a revocation."""
    if request.headers["authorization"] == "Bearer a1":
        return httpx.Response(401, json={"Message": "Authorization has been denied for this request."})
    return httpx.Response(200, json={"Id": 7})


def test_401_refreshes_and_retries_once(tmp_path: Path) -> None:
    portal = Portal(only_for_fresh_tokens)
    client, _ = make_client(tmp_path, portal)

    assert client.user(7).id == 7
    assert [g["grant_type"] for g in portal.grants] == ["password", "refresh_token"]
    assert portal.requests[-1].headers["authorization"] == "Bearer a2"


def test_refused_refresh_falls_back_to_logging_in(tmp_path: Path) -> None:
    portal = Portal(only_for_fresh_tokens)
    client, _ = make_client(tmp_path, portal)
    client._transport._tokens.access_token()  # logged in
    portal.refusals = 1  # the refresh token has died

    client.user(7)

    assert [g["grant_type"] for g in portal.grants] == ["password", "refresh_token", "password"]


def test_second_401_is_a_clear_auth_error(tmp_path: Path) -> None:
    client, _ = make_client(tmp_path, Portal(lambda r: httpx.Response(401)))

    with pytest.raises(PortalAuthError, match="admin with API access"):
        client.groups()


def test_bad_password_is_a_clear_auth_error(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(200))
    portal.refusals = 1
    client, _ = make_client(tmp_path, portal)

    with pytest.raises(PortalAuthError, match="NEXUDUS_USERNAME"):
        client.user(7)


def test_create_returns_the_new_id_and_sends_pascal_case(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(200, json={"WasSuccessful": True, "Value": {"Id": 98}}))
    client, _ = make_client(tmp_path, portal)

    assert client.create_thread(THREAD.model_copy(update={"system_id": "slack:k"})) == 98
    body = json.loads(portal.requests[0].content)
    assert body["BusinessId"] == 1 and body["Subject"] == "s" and body["SystemId"] == "slack:k"


def test_200_without_success_flag_is_a_rejection(tmp_path: Path) -> None:
    portal = Portal(
        lambda r: httpx.Response(200, json={"WasSuccessful": False, "Message": "Nope", "Errors": None})
    )
    client, _ = make_client(tmp_path, portal)

    with pytest.raises(PortalRejected, match="Nope"):
        client.create_thread(THREAD)


def test_400_lists_each_property_error(tmp_path: Path) -> None:
    body = {
        "Message": "Subject: is a required field",
        "WasSuccessful": False,
        "Errors": [{"AttemptedValue": None, "Message": "is a required field", "PropertyName": "Subject"}],
    }
    client, _ = make_client(tmp_path, Portal(lambda r: httpx.Response(400, json=body)))

    with pytest.raises(PortalRejected) as caught:
        client.create_thread(THREAD)

    assert [(e.property_name, e.message) for e in caught.value.errors] == [("Subject", "is a required field")]


@pytest.mark.parametrize(
    ("status", "headers", "text", "wait"),
    [
        (409, {"Retry-After": "7"}, "You must wait before accessing this url again.", 7.0),  # documented
        (429, {}, "Too many requests. Wait 3 seconds.", 3.0),  # seen in the wild
    ],
)
def test_throttled_reads_wait_as_told_then_succeed(
    tmp_path: Path, status: int, headers: dict[str, str], text: str, wait: float
) -> None:
    answers = iter([httpx.Response(status, headers=headers, text=text), httpx.Response(200, json={"Id": 1})])
    sleeps: list[float] = []
    client, _ = make_client(tmp_path, Portal(lambda r: next(answers)), sleeps=sleeps)

    assert client.user(7).id == 1
    assert sleeps == [pytest.approx(wait)]


def test_a_throttle_wait_too_long_to_block_on_is_handed_back(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(409, headers={"Retry-After": "300"}))
    sleeps: list[float] = []
    client, _ = make_client(tmp_path, portal, sleeps=sleeps)

    with pytest.raises(PortalThrottled):
        client.user(7)

    assert len(portal.requests) == 1 and sleeps == []


def test_throttled_write_is_not_retried(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(409, headers={"Retry-After": "2"}))
    client, _ = make_client(tmp_path, portal)

    with pytest.raises(PortalThrottled) as caught:
        client.create_thread(THREAD)

    assert caught.value.retry_after == 2 and len(portal.requests) == 1


def test_5xx_reads_are_retried_with_backoff(tmp_path: Path) -> None:
    answers = iter([httpx.Response(500), httpx.Response(503), httpx.Response(200, json={"Id": 1})])
    sleeps: list[float] = []
    client, _ = make_client(tmp_path, Portal(lambda r: next(answers)), sleeps=sleeps)

    assert client.user(7).id == 1
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_5xx_on_a_write_may_have_applied_and_is_not_retried(tmp_path: Path) -> None:
    portal = Portal(lambda r: httpx.Response(500, json={"Message": "Ooops!"}))
    client, _ = make_client(tmp_path, portal)

    with pytest.raises(PortalUnavailable) as caught:
        client.create_thread(THREAD)

    assert caught.value.maybe_applied and len(portal.requests) == 1


@pytest.mark.parametrize(
    ("error", "maybe_applied"),
    [
        (httpx.ConnectError("refused"), False),  # never left: safe to retry
        (httpx.ReadTimeout("slow"), True),  # sent, no answer: may exist
    ],
)
def test_transport_errors_on_a_write(tmp_path: Path, error: Exception, maybe_applied: bool) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    client, _ = make_client(tmp_path, Portal(fail))

    with pytest.raises(PortalUnavailable) as caught:
        client.create_thread(THREAD)

    assert caught.value.maybe_applied is maybe_applied


def test_lists_follow_every_page(tmp_path: Path) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return ok_list([{"Id": page, "Name": f"L{page}"}], page=page, pages=3)

    client, _ = make_client(tmp_path, Portal(pages))

    assert [b.id for b in client.businesses()] == [1, 2, 3]


def test_email_lookups_recheck_the_match_case_insensitively(tmp_path: Path) -> None:
    rows = [
        {"Id": 1, "Email": "Jane@Example.com", "UserId": 5},
        {"Id": 2, "Email": "jane@example.com.au", "UserId": 6},
    ]
    portal = Portal(lambda r: ok_list(rows))
    client, _ = make_client(tmp_path, portal)

    assert [c.id for c in client.coworkers_by_email("jane@example.com")] == [1]
    assert portal.requests[0].url.params["Coworker_Email"] == "jane@example.com"


def test_tokens_never_reach_the_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    client, store = make_client(tmp_path, Portal(lambda r: httpx.Response(200, json={"Id": 1})))

    client.user(7)

    session = store.portal_session.load()
    assert isinstance(session, PortalSession)
    assert session.access_token not in caplog.text and "pw" not in caplog.text.split()
