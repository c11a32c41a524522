"""Webhook health sets the poll's pace: healthy, a 10-minute catch-up; failing, back to
BOT_POLL_SECONDS, and admins told once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import create_autospec

import pytest

from bot.admin_alerts import AdminAlerts
from bot.clock import utc_now
from bot.directory import Directory
from bot.job_runs import Skipped
from bot.portal import NexudusClient
from bot.portal.models import Webhook
from bot.slack_text import SECTION_TEXT
from bot.webhooks.health import RECOVERED, WebhookHealth, WebhookMonitor
from bot.webhooks.registry import WebhookRegistry, receiver_url
from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.relay_changes import WITHDRAWN_TEXT
from handlers.blocks.status import webhook_lines
from tests.bot.relay.conftest import Board
from tests.conftest import subscribe, wait_for


class FakeClock:
    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hooked(tmp_path: Path, clock: FakeClock) -> Iterator[LocalStack]:
    """Webhooks installed for every location, the relay watching, one admin in BOT_ADMINS."""
    with LocalStack(
        directory=tmp_path, clock=clock, nexudus_webhook_secret="s", admins=frozenset({seed.ADMIN})
    ) as stack:
        stack.nexudus.webhook_secret = "s"
        stack.bot.directory.refresh()
        stack.bot.relay.run_once()
        WebhookRegistry(stack.portal, receiver_url(f"http://127.0.0.1:{stack.server.port}")).install()
        yield stack


def push_a_reply(stack: LocalStack) -> None:
    """A reply at Canal Street pushed (its thread is not: no nudge runs beside the test)."""
    board = Board(stack)
    stack.nexudus.webhooks.paused = True
    thread = board.thread()
    stack.nexudus.webhooks.paused = False
    board.reply(thread)
    stack.nexudus.webhooks.settle()


def break_one_webhook(stack: LocalStack) -> None:
    """The new-reply webhook of Canal Street fails once (its URL answers an error)."""
    [hook] = [
        h for h in stack.nexudus.webhooks.hooks if h["BusinessId"] == seed.CANAL_STREET and h["Action"] == 40
    ]
    stack.nexudus.webhooks.broken.add(hook["Id"])
    push_a_reply(stack)


def admin_dms(stack: LocalStack) -> list[str]:
    return [m["text"] for m in stack.slack.posts(f"D{seed.ADMIN}")]


def test_healthy_webhooks_slow_the_poll_to_a_catch_up(hooked: LocalStack, clock: FakeClock) -> None:
    scheduled = hooked.background_jobs()

    held = scheduled.poll_relay()
    clock.advance(minutes=10)
    ran = scheduled.poll_relay()

    assert isinstance(held, Skipped) and "catch-up" in held.summary
    assert isinstance(ran, str) and "new threads" in ran
    assert hooked.bot.webhook_health is not None
    assert hooked.bot.webhook_health.health().state == "healthy"


def test_between_catch_up_polls_a_thread_turned_private_still_leaves_channels_at_once(
    hooked: LocalStack,
) -> None:
    subscribe(hooked.store, "CNEWS", "instant")
    thread = Board(hooked).thread("Soon private", InstantDelivery=True)  # pushed, then posted
    wait_for(lambda: hooked.slack.posts("CNEWS"))
    scheduled = hooked.background_jobs()
    assert isinstance(scheduled.poll_relay(), Skipped)  # healthy: the full poll is held back

    hooked.nexudus.update("CommunityThread", thread, Private=True)
    held = scheduled.poll_relay()

    assert isinstance(held, Skipped) and "portal changes: 1 found, 1 applied" in held.summary
    [post] = hooked.slack.posts("CNEWS")
    assert post["text"] == WITHDRAWN_TEXT and "Soon private" not in str(post["blocks"])


def test_a_failing_webhook_brings_the_poll_back_and_admins_are_told_once(
    hooked: LocalStack, clock: FakeClock
) -> None:
    scheduled = hooked.background_jobs()
    assert isinstance(scheduled.poll_relay(), Skipped)  # healthy: held back
    break_one_webhook(hooked)
    clock.advance(seconds=61)  # the cached reading is older than BOT_POLL_SECONDS

    first = scheduled.poll_relay()
    clock.advance(seconds=61)
    second = scheduled.poll_relay()

    assert isinstance(first, str) and isinstance(second, str)  # polled at normal speed
    [told] = admin_dms(hooked)
    assert "Canal Street: the new reply webhook is failing (1 errors, last: HTTP 599)" in told
    assert hooked.bot.webhook_health is not None
    assert hooked.bot.webhook_health.health().state == "failing"


def test_an_alert_quoting_a_very_long_nexudus_error_still_reaches_admins(
    hooked: LocalStack, clock: FakeClock
) -> None:
    break_one_webhook(hooked)
    [hook] = [h for h in hooked.nexudus.webhooks.hooks if h["Id"] in hooked.nexudus.webhooks.broken]
    hook["LastError"] = "<html>" + "&" * 5000  # an error page, quoted whole by Nexudus
    clock.advance(seconds=61)
    assert hooked.bot.webhook_health is not None

    assert hooked.bot.webhook_health.health().state == "failing"
    hooked.bot.relay.sender.deliver_due()

    [told] = hooked.slack.posts(f"D{seed.ADMIN}")
    [section] = told["blocks"]
    shown = section["text"]["text"]
    assert len(shown) <= SECTION_TEXT and shown.endswith("&amp;…")  # Slack's limit, cut whole
    assert "&lt;html&gt;" in shown and "<html>" not in shown


def test_admins_are_told_once_when_webhooks_recover(hooked: LocalStack, clock: FakeClock) -> None:
    monitor = hooked.bot.webhook_health
    assert monitor is not None
    break_one_webhook(hooked)
    clock.advance(seconds=61)
    assert monitor.health().state == "failing"
    hooked.nexudus.webhooks.broken.clear()
    push_a_reply(hooked)

    for _ in range(2):
        clock.advance(seconds=61)
        assert monitor.health().state == "healthy"
    hooked.bot.relay.sender.deliver_due()

    assert len(admin_dms(hooked)) == 2 and admin_dms(hooked)[1] == RECOVERED


def test_no_secret_means_no_webhook_calls(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        assert stack.bot.webhook_health is not None
        assert stack.bot.webhook_health.health().state == "off"
        assert not stack.nexudus.calls(path_prefix="/api/sys/webhooks")


@pytest.mark.parametrize(
    ("health", "shown"),
    [
        (None, "not checked yet"),  # before the first poll
        (WebhookHealth("off"), "off (no NEXUDUS_WEBHOOK_SECRET)"),
        (WebhookHealth("healthy"), "healthy: the relay polls every 10 minutes"),
        (WebhookHealth("failing", ("Canal Street: no new reply webhook",)), "• Canal Street: no new reply"),
    ],
)
def test_status_shows_webhook_health(health: WebhookHealth | None, shown: str) -> None:
    assert shown in "\n".join(webhook_lines(health))


def test_status_reads_the_last_health_while_a_check_waits_on_nexudus(clock: FakeClock) -> None:
    asked, answer = threading.Event(), threading.Event()

    def slow_webhooks() -> list[Webhook]:
        asked.set()
        answer.wait(timeout=10)
        return []

    portal = create_autospec(NexudusClient, instance=True, spec_set=True)
    portal.webhooks.side_effect = slow_webhooks
    monitor = WebhookMonitor(
        registry=WebhookRegistry(portal, None),
        directory=create_autospec(Directory, instance=True, spec_set=True),
        alerts=create_autospec(AdminAlerts, instance=True, spec_set=True),
        enabled=True,
        poll_seconds=60,
        clock=clock,
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        checking = pool.submit(monitor.health)
        try:
            assert asked.wait(timeout=5)
            # Held behind the check's lock, this would wait for Nexudus (and time out).
            meanwhile = pool.submit(monitor.latest).result(timeout=5)
        finally:
            answer.set()
        checked = checking.result(timeout=5)

    assert meanwhile is None  # no reading yet, said at once
    assert monitor.latest() == checked
