"""``GET /healthz`` reports readiness: database writable, poll on time, outbox moving, nothing paused."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.portal import PortalAuthError
from bot.readiness import REUSE, Readiness, ReadinessReport, poll_interval
from bot.relay.watch import WINDOW
from bot.webhooks.health import WebhookHealth
from emulators.stack import LocalStack
from store import Store
from store.relay_models import OutboxMessage
from store.relay_state import record_poll

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def figures(report: ReadinessReport, name: str) -> dict[str, float | int | None]:
    [check] = [c for c in report.checks if c.name == name]
    return check.figures


def readiness(store: Store, clock: Clock, poll_seconds: int = 60, **kwargs: Any) -> Readiness:
    return Readiness(store=store, poll_interval=poll_interval(poll_seconds), clock=clock, **kwargs)


def polled(store: Store, at: datetime) -> None:
    """A poll recorded, as the relay records one (any process)."""
    record_poll(store.file, messages=[], digest_items=[], seen={}, cursors={WINDOW: at.isoformat()}, now=at)


def healthz(stack: LocalStack) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{stack.server.port}/healthz", timeout=5)


def test_a_running_bot_is_ready_and_says_so_in_json(stack: LocalStack) -> None:
    answer = healthz(stack)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert (body["ready"], body["reasons"]) == (True, [])
    # The figures an operator needs, as numbers: database writable, last poll age, backlog.
    assert body["checks"]["database"] == {"ok": True}
    assert {"age_seconds", "interval_seconds"} <= set(body["checks"]["poll"])
    assert body["checks"]["outbox"] == {"ok": True, "due": 0, "oldest_due_seconds": 0}
    report = stack.bot.readiness.report()
    assert {c.name for c in report.checks} == {"database", "poll", "outbox", "slack", "nexudus"}
    assert figures(report, "outbox")["due"] == 0


def test_a_database_another_process_holds_locked_is_not_ready_and_named(store: Store) -> None:
    clock = Clock()
    check = readiness(store, clock)
    writer = sqlite3.connect(store.file.path)
    writer.execute("BEGIN IMMEDIATE")  # a stuck writer: nobody else can write
    try:
        locked = check.report()
    finally:
        writer.rollback()
        writer.close()
    clock.now += REUSE

    assert locked.codes() == ["database_not_writable"]
    assert locked.reasons() == ["database: not writable: database is locked"]
    assert check.report().ready  # the lock gone, ready again


def test_a_flood_of_checks_probes_the_database_once_per_two_seconds(store: Store) -> None:
    clock = Clock()
    check = readiness(store, clock)
    assert check.report().ready
    writer = sqlite3.connect(store.file.path)
    writer.execute("BEGIN IMMEDIATE")  # a probe now would find the lock
    try:
        clock.now += REUSE - timedelta(milliseconds=1)
        reused = [check.report() for _ in range(50)]
        clock.now += timedelta(milliseconds=1)
        probed = check.report()
    finally:
        writer.rollback()
        writer.close()

    assert all(report.ready for report in reused)  # no probe took (or waited for) the lock
    assert probed.codes() == ["database_not_writable"]


def test_the_public_answer_has_codes_and_no_free_text(stack: LocalStack) -> None:
    # Nexudus's refusal can quote the account's username: it must not reach a public port.
    stack.bot.slack_health.refused("token_revoked")
    stack.bot.nexudus_login.refused(PortalAuthError("Access Denied for bot@example.com"))

    answer = healthz(stack)

    assert answer.status_code == 503
    body = answer.json()
    assert (body["ready"], body["reasons"]) == (False, ["slack_paused", "nexudus_paused"])
    assert body["checks"]["slack"] == {"ok": False} and body["checks"]["nexudus"] == {"ok": False}
    assert "bot@example.com" not in answer.text and "token_revoked" not in answer.text


def test_a_database_file_gone_from_under_the_bot_is_not_ready(store: Store, tmp_path: Path) -> None:
    # The volume unmounted or the file deleted: the open connection still reads its old copy.
    os.remove(tmp_path / "bot.db")

    report = readiness(store, Clock()).report()

    assert not report.ready
    [reason] = report.reasons()  # the other checks are not tried on a broken database
    assert reason.startswith("database: cannot open") and reason.endswith("unable to open database file")


def test_a_poll_older_than_three_intervals_is_stale(store: Store) -> None:
    clock = Clock()
    check = readiness(store, clock)
    polled(store, T0)

    clock.now = T0 + timedelta(minutes=3)
    on_time = check.report()
    clock.now = T0 + timedelta(minutes=3, seconds=2)
    late = check.report()

    assert on_time.ready
    assert not late.ready
    assert late.reasons() == ["poll: stale: last poll 3 min ago; polls every 60 s"]
    assert late.codes() == ["poll_stale"]
    assert figures(late, "poll")["age_seconds"] == 182


def test_healthy_webhooks_allow_the_ten_minute_catch_up(store: Store) -> None:
    clock = Clock()
    healthy = WebhookHealth("healthy", (), T0)
    check = Readiness(store=store, poll_interval=poll_interval(60, lambda: healthy), clock=clock)
    polled(store, T0)

    clock.now = T0 + timedelta(minutes=25)  # stale at a 60 s poll, not at a 10-minute one

    assert check.report().ready


def test_a_bot_that_never_polled_is_ready_at_first_then_stale(store: Store) -> None:
    clock = Clock()
    check = readiness(store, clock)

    first = check.report()
    clock.now = T0 + timedelta(minutes=4)
    later = check.report()

    assert first.ready
    assert later.reasons() == ["poll: stale: no poll yet; polls every 60 s"]


def message(key: str, created_at: datetime, **fields: Any) -> OutboxMessage:
    return OutboxMessage(key=key, target="CNEWS", text=key, blocks=[], created_at=created_at, **fields)


def test_messages_due_for_more_than_fifteen_minutes_are_a_stuck_backlog(store: Store) -> None:
    clock = Clock()
    check = readiness(store, clock)
    store.outbox.add([message("old", T0), message("new", T0 + timedelta(minutes=10))])
    clock.now = T0 + timedelta(minutes=15)
    polled(store, clock.now)
    busy = check.report()

    clock.now = T0 + timedelta(minutes=16)
    polled(store, clock.now)
    stuck = check.report()

    assert busy.ready and figures(busy, "outbox")["due"] == 2
    assert stuck.reasons() == ["outbox: stuck: 2 message(s) due, the oldest for 16 min"]
    assert stuck.codes() == ["outbox_stuck"]
    assert figures(stuck, "outbox")["oldest_due_seconds"] == 960


def test_a_retry_not_yet_due_is_no_backlog(store: Store) -> None:
    clock = Clock()
    check = readiness(store, clock)
    store.outbox.add([message("waits", T0)])
    assert store.outbox.claim("waits", "sender", T0 + timedelta(minutes=2), T0)
    store.outbox.retry_later("waits", "ratelimited", T0 + timedelta(hours=1), owner="sender")
    clock.now = T0 + timedelta(minutes=30)
    polled(store, clock.now)

    assert check.report().ready


def test_a_refused_slack_token_is_not_ready_and_says_why(stack: LocalStack) -> None:
    stack.bot.slack_health.refused("token_revoked")

    [reason] = stack.bot.readiness.report().reasons()  # what the log says

    assert reason.startswith("slack: paused: Slack refused the bot's token (token_revoked)")
