"""Exactly once: the outbox survives crashes, honours Retry-After, keeps failures with reasons."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.clock import utc_now
from bot.relay.delivery import OutboxSender
from bot.slack_users import SlackUsers
from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from store import Store
from store.database import SqliteFile
from store.outbox import OutboxRepository
from store.relay_models import OutboxMessage
from tests.bot.portal.test_client import FakeTime
from tests.bot.relay.conftest import Board, dms_to, restarted
from tests.conftest import slack_refusal, subscribe, wait_for


def test_rate_limited_post_honours_retry_after_and_is_delivered_once(
    relay_stack: LocalStack, board: Board
) -> None:
    relay_stack.slack.rate_limited["chat.postMessage"] = 1
    relay_stack.slack.retry_after = 1
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread)

    relay_stack.bot.relay.run_once()

    calls = relay_stack.slack.calls_to("chat.postMessage")
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 1.0
    assert len(dms_to(relay_stack, seed.JANE)) == 1  # the 429 was not a delivery
    relay_stack.bot.relay.run_once()
    assert relay_stack.store.outbox.count("sent") == 1


def test_crash_between_recording_and_sending_delivers_once_after_restart(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        stack.bot.identities.resolve(seed.JANE)
        stack.bot.relay.run_once()
        board = Board(stack)
        thread = board.thread(InstantDelivery=True)
        board.follow(thread)
        board.reply(thread, "Survives a crash")
        # The cycle's first half only: poll, plan and record... then the process dies.
        stack.bot.relay.poll_and_record(utc_now())
        assert stack.slack.posts() == []

        with restarted(stack) as second:  # a new process on the same database file
            second.relay.run_once()
            second.relay.run_once()
            second.background.shutdown()

        [dm] = dms_to(stack, seed.JANE)
        assert "Survives a crash" in str(dm["blocks"])


def test_crash_before_recording_replans_the_same_delivery_once(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread)
    relay = relay_stack.bot.relay
    relay.planner.plan(relay.watcher.poll(utc_now()), utc_now())  # planned, never recorded

    relay.run_once()
    relay.run_once()

    assert len(dms_to(relay_stack, seed.JANE)) == 1


def test_permanent_error_is_kept_with_its_reason_and_not_retried(
    relay_stack: LocalStack, board: Board
) -> None:
    # Not a channel's refusal (channel_not_found, not_in_channel, is_archived pause the
    # channel instead: tests/scenarios/test_channel_lifecycle.py).
    relay_stack.slack.channel_errors["CGONE"] = "restricted_action"
    subscribe(relay_stack.store, "CGONE")
    board.thread("Nowhere to go")

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    [failed] = relay_stack.store.outbox.in_state("failed")
    assert failed.last_error == "restricted_action"
    attempts = [c for c in relay_stack.slack.calls_to("chat.postMessage") if c.args["channel"] == "CGONE"]
    assert len(attempts) == 1


def test_status_shows_failures_and_replays_them(relay_stack: LocalStack, board: Board) -> None:
    relay_stack.slack.channel_errors["CGONE"] = "restricted_action"
    subscribe(relay_stack.store, "CGONE")
    board.thread("Restricted channel")
    relay_stack.bot.relay.run_once()

    relay_stack.driver.slash(seed.ADMIN, "status")
    status = wait_for(lambda: relay_stack.slack.responses)[0]
    assert "Last relay run" in status["text"] and "restricted_action" in status["text"]
    assert "Failed: 1" in status["text"]

    del relay_stack.slack.channel_errors["CGONE"]
    message = {"blocks": status["blocks"], "ts": "1.2", "text": status["text"]}
    relay_stack.driver.press(seed.ADMIN, message, ids.REPLAY_FAILED_ACTION, channel_id="C100")

    wait_for(lambda: relay_stack.store.outbox.count("sent") == 1)
    assert relay_stack.store.outbox.count("failed") == 0


def test_status_lists_deliveries_being_retried(relay_stack: LocalStack, board: Board) -> None:
    relay_stack.slack.channel_errors["CFLAKY"] = "internal_error"
    subscribe(relay_stack.store, "CFLAKY")
    board.thread("Flaky channel")
    relay_stack.bot.relay.run_once()

    relay_stack.driver.slash(seed.ADMIN, "status")

    text = wait_for(lambda: relay_stack.slack.responses)[0]["text"]
    assert "Deliveries waiting: 1" in text and "retrying" in text and "internal_error" in text


def test_status_is_for_admins_only(relay_stack: LocalStack) -> None:
    relay_stack.driver.slash(seed.JANE, "status")

    assert "Only admins" in wait_for(lambda: relay_stack.slack.responses)[0]["text"]


def sender_on_fake_clock(stack: LocalStack, clock: FakeTime, sleep: Callable[[float], None]) -> OutboxSender:
    client = WebClient(token="xoxb-local", base_url=stack.slack.api_url)
    slack_users = SlackUsers(client, reported=stack.store.slack_profiles)
    start = utc_now()  # the wall clock the channel turns are taken on, moved by ``sleep``
    return OutboxSender(
        client,
        stack.store.outbox,
        slack_users,
        clock=lambda: start + timedelta(seconds=clock.now()),
        sleep=sleep,
        turns=stack.store.channel_turns,
    )


def test_sends_are_paced_per_channel(relay_stack: LocalStack) -> None:
    clock = FakeTime([])
    sender = sender_on_fake_clock(relay_stack, clock, clock.sleep)
    relay_stack.store.outbox.add(
        [
            OutboxMessage(key=f"k{n}", target=channel, text="t", blocks=[], created_at=utc_now())
            for n, channel in enumerate(["CBUSY", "CBUSY", "COTHER", "CBUSY"])
        ]
    )

    assert sender.deliver_due() == 4

    # One wait before each later post to CBUSY; COTHER does not wait for CBUSY.
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]


def test_a_failed_slack_lookup_postpones_the_poll_without_losing_it(
    relay_stack: LocalStack, board: Board
) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread, seed.OMAR_USER_ID)
    board.reply(thread, author=seed.LEE_USER_ID)
    relay_stack.slack.rate_limited["users.lookupByEmail"] = 10  # beyond the client's own retries
    relay_stack.slack.retry_after = 0  # honouring Retry-After has its own test

    postponed = relay_stack.bot.relay.run_once()
    relay_stack.slack.rate_limited.clear()
    relay_stack.bot.relay.run_once()

    assert "Slack lookup failed: ratelimited" in postponed
    assert len(dms_to(relay_stack, seed.OMAR)) == 1


def test_shutdown_stops_delivery_between_sends_and_keeps_the_rest(relay_stack: LocalStack) -> None:
    stop = threading.Event()
    relay_stack.store.outbox.add(
        [
            OutboxMessage(key=f"k{n}", target="CQUIET", text="t", blocks=[], created_at=utc_now())
            for n in range(3)
        ]
    )
    # SIGTERM arrives while pacing before the second send.
    sender = sender_on_fake_clock(relay_stack, FakeTime([]), lambda seconds: stop.set())

    assert sender.deliver_due(stop) == 2  # the send under way finishes; nothing new starts
    assert relay_stack.store.outbox.count("pending") == 1


class OutboxBusyOnMarkSent(OutboxRepository):
    """The outbox of a process whose "sent" write meets a database busy past its timeout."""

    def __init__(self, file: SqliteFile, busy_writes: int) -> None:
        super().__init__(file)
        self.busy_writes = busy_writes

    def mark_sent(self, key: str, channel: str, ts: str, now: datetime) -> None:
        if self.busy_writes > 0:
            self.busy_writes -= 1
            raise sqlite3.OperationalError("database is locked")
        super().mark_sent(key, channel, ts, now)


def test_a_send_whose_record_failed_is_recorded_later_and_never_sent_again(
    relay_stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    relay_stack.store.outbox.add(
        [OutboxMessage(key="k1", target="CQUIET", text="once", blocks=[], created_at=utc_now())]
    )
    client = WebClient(token="xoxb-local", base_url=relay_stack.slack.api_url)
    outbox = OutboxBusyOnMarkSent(relay_stack.store.file, busy_writes=2)
    slack_users = SlackUsers(client, reported=relay_stack.store.slack_profiles)
    sender = OutboxSender(client, outbox, slack_users, turns=relay_stack.store.channel_turns)

    assert sender.deliver_due() == 1  # Slack has it; SQLite was busy
    assert "not yet recorded" in caplog.text
    assert sender.deliver_due() == 0  # still busy: still not sent again
    assert sender.deliver_due() == 0  # recorded at last, first thing in the pass

    [post] = relay_stack.slack.posts("CQUIET")
    recorded = relay_stack.store.outbox.get("k1")
    assert recorded is not None and (recorded.state, recorded.ts) == ("sent", post["ts"])


class SlowDmLookup(SlackUsers):
    """``conversations.open`` waiting out 429s for three minutes, while ``meanwhile`` runs."""

    def __init__(self, client: WebClient, now: list[datetime], meanwhile: Callable[[], object]) -> None:
        super().__init__(client, reported=Store(":memory:").slack_profiles)
        self._now = now
        self._meanwhile = meanwhile

    def dm_channel(self, user_id: str) -> str:
        self._now[0] += timedelta(minutes=3)
        self._meanwhile()
        return super().dm_channel(user_id)


def test_a_slow_dm_lookup_never_lets_a_message_go_out_twice(relay_stack: LocalStack) -> None:
    relay_stack.store.outbox.add(
        [OutboxMessage(key="dm1", target=seed.JANE, text="once", blocks=[], created_at=utc_now())]
    )
    client = WebClient(token="xoxb-local", base_url=relay_stack.slack.api_url)
    now = [utc_now()]
    other = Store(relay_stack.settings.database)  # another bot process, sending meanwhile
    other_users = SlackUsers(client, reported=other.slack_profiles)
    other_sender = OutboxSender(
        client, other.outbox, other_users, clock=lambda: now[0], turns=other.channel_turns
    )
    sender = OutboxSender(
        client,
        relay_stack.store.outbox,
        SlowDmLookup(client, now, other_sender.deliver_due),
        clock=lambda: now[0],
        turns=relay_stack.store.channel_turns,
    )

    sender.deliver_due()
    other.close()

    assert len(dms_to(relay_stack, seed.JANE)) == 1


class FailingDmLookup(SlackUsers):
    """``conversations.open`` refused, after ``meanwhile`` ran (another process's pass)."""

    def __init__(self, client: WebClient, meanwhile: Callable[[], object]) -> None:
        super().__init__(client, reported=Store(":memory:").slack_profiles)
        self._meanwhile = meanwhile

    def dm_channel(self, user_id: str) -> str:
        self._meanwhile()
        raise slack_refusal("user_not_found", "conversations.open")


def test_a_failed_dm_lookup_is_recorded_only_by_the_claims_holder(relay_stack: LocalStack) -> None:
    relay_stack.store.outbox.add(
        [OutboxMessage(key="dm1", target=seed.JANE, text="once", blocks=[], created_at=utc_now())]
    )
    client = WebClient(token="xoxb-local", base_url=relay_stack.slack.api_url)
    other = Store(relay_stack.settings.database)
    other_users = SlackUsers(client, reported=other.slack_profiles)
    other_sender = OutboxSender(client, other.outbox, other_users, turns=other.channel_turns)
    failing = FailingDmLookup(client, other_sender.deliver_due)
    sender = OutboxSender(client, relay_stack.store.outbox, failing, turns=relay_stack.store.channel_turns)

    sender.deliver_due()
    other.close()

    assert len(dms_to(relay_stack, seed.JANE)) == 1
    sent = relay_stack.store.outbox.get("dm1")
    assert sent is not None and (sent.state, sent.last_error) == ("sent", None)


def test_a_failed_dm_lookup_is_kept_with_its_reason(relay_stack: LocalStack) -> None:
    relay_stack.store.outbox.add(
        [OutboxMessage(key="dm1", target=seed.JANE, text="once", blocks=[], created_at=utc_now())]
    )
    client = WebClient(token="xoxb-local", base_url=relay_stack.slack.api_url)
    failing = FailingDmLookup(client, lambda: None)
    sender = OutboxSender(client, relay_stack.store.outbox, failing, turns=relay_stack.store.channel_turns)

    assert sender.deliver_due() == 0

    [failed] = relay_stack.store.outbox.in_state("failed")
    assert failed.last_error == "user_not_found"
