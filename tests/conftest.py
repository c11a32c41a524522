"""Shared fixtures: the bot on loopback against the emulators, a fresh store, and small waiting helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.clock import utc_now
from bot.relay.keys import SubscriptionDigest, ThreadItem
from emulators import seed
from emulators.slack import FakeSlack
from emulators.stack import LocalStack
from store import Store
from store.relay_models import DigestItem, Subscription, SubscriptionMode

T = TypeVar("T")


def wait_for(probe: Callable[[], T], timeout: float = 8.0) -> T:
    """Poll until ``probe`` returns something truthy; the bot works on background threads."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {probe}")
        time.sleep(0.02)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """The seeded bot with its directory cache loaded, as after its first minutes of running."""
    with LocalStack(directory=tmp_path) as running:
        assert running.bot.directory.refresh()
        yield running


@pytest.fixture
def cold_stack(tmp_path: Path) -> Iterator[LocalStack]:
    """The seeded bot on its very first start: nothing cached."""
    with LocalStack(directory=tmp_path) as running:
        yield running


def open_modal(stack: LocalStack, user: str = seed.JANE, text: str = "") -> dict[str, Any]:
    """Run /newthread and return the view Slack was asked to open (with an id, as Slack adds)."""
    before = len(stack.slack.calls_to("views.open"))
    answer = stack.driver.slash(user, text)
    assert answer.status_code == 200
    call = wait_for(lambda: stack.slack.calls_to("views.open")[before:])[0]
    return {**call.args["view"], "id": f"V{before}"}


def latest_update(stack: LocalStack, after: int = 0) -> dict[str, Any]:
    call = wait_for(lambda: stack.slack.calls_to("views.update")[after:])[-1]
    return {**call.args["view"], "id": call.args["view_id"]}


def choose_location(stack: LocalStack, view: dict[str, Any], business_id: int) -> dict[str, Any]:
    before = len(stack.slack.calls_to("views.update"))
    stack.driver.change(seed.JANE, view, "location", location=business_id)
    return latest_update(stack, before)


def input_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


def quiet(stack: LocalStack, still: float = 0.3) -> None:
    """Wait until background work (cache warming after a modal opened) stops calling Nexudus."""
    seen = -1
    while seen != len(stack.nexudus.requests):
        seen = len(stack.nexudus.requests)
        time.sleep(still)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store on a file of its own."""
    opened = Store(tmp_path / "bot.db")
    yield opened
    opened.close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The Slack emulator alone, for tests that build their own senders on it."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def two_stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two connections to one database file, as two bot processes have."""
    first, second = Store(tmp_path / "bot.db"), Store(tmp_path / "bot.db")
    yield first, second
    first.close()
    second.close()


def slack_refusal(error: str, api_url: str = "") -> SlackApiError:
    """What slack_sdk raises when a Web API method answers ``{"ok": false, "error": error}``."""
    answer = SlackResponse(
        client=None,
        http_verb="POST",
        api_url=api_url,
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=200,
    )
    return SlackApiError(error, answer)


def subscribe(
    store: Store,
    channel_id: str,
    mode: SubscriptionMode = "instant",
    *,
    business_id: int | None = None,
    group_id: int | None = None,
    tag: str | None = None,
    digest_time: str | None = None,
    now: datetime | None = None,
) -> Subscription:
    """A channel subscription, as an admin's ``/newthread subscribe`` makes it."""
    return store.subscriptions.add(
        channel_id=channel_id,
        mode=mode,
        business_id=business_id,
        group_id=group_id,
        tag=tag,
        digest_time=digest_time,
        created_by=seed.ADMIN,
        now=now or utc_now(),
    )


def queue_new_thread(store: Store, subscription: Subscription, subject: str, *, at: datetime) -> None:
    """A new thread waiting for a channel subscription's digest, as the relay queues one."""
    thread = {"id": 1, "subject": subject, "location": "Canal Street", "author": "Omar"}
    item = DigestItem(
        target=SubscriptionDigest(subscription.id).text(),
        item_key=ThreadItem(1).text(),
        payload={"thread": thread},
        created_at=at,
    )
    store.digests.add([item])
