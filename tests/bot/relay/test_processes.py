"""Exactly once with several bot processes on one database: serve beside ``relay --once``,
two serves during a deploy, a sender killed mid-send, and the leases that keep polling,
digests and draft retries to one process at a time.

The process tests run the real ``python -m bot`` against the emulators, with Slack's
``chat.postMessage`` slowed so that two processes are sending at the same moment.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from slack_sdk import WebClient

from bot.clock import utc_now
from bot.relay.cycle import DIGEST_LEASE, POLL_LEASE
from bot.relay.delivery import OutboxSender
from bot.retry import DRAFT_RETRY_LEASE, retry_drafts_exclusively
from bot.slack_users import SlackUsers
from emulators.stack import LocalStack
from store import Store
from store.relay_models import OutboxMessage
from store.relayed_changes import WITHDRAWN, RelayedChange
from tests.bot.relay.conftest import Board
from tests.bot.test_cli import clean_environment, emulator_env, free_port, run_cli, start_bot, stop_bot
from tests.conftest import subscribe, wait_for

CLAIM = timedelta(minutes=2)
THREADS = "/api/community/communitythreads"
CHANNELS = ["CALPHA", "CBRAVO", "CCHARLIE", "CDELTA"]  # instant subscriptions: one post each per thread


def shared_database(stack: LocalStack, tmp_path: Path, topics: int) -> dict[str, str]:
    """A database the relay already watches from, four subscribed channels, and ``topics``
    new threads on the board that no process has seen yet; returns the bot's environment."""
    env = {**emulator_env(stack, tmp_path / "shared.db"), "BOT_POLL_SECONDS": "10"}
    assert "first run" in run_cli("relay", "--once", env=env, cwd=tmp_path).stdout
    store = Store(tmp_path / "shared.db")
    for channel in CHANNELS:
        subscribe(store, channel)
    store.close()
    board = Board(stack)
    for n in range(topics):
        board.thread(f"Topic {n}")
    return env


def expected_posts(topics: int) -> list[tuple[str, str]]:
    return sorted((channel, f"New thread: Topic {n}") for n in range(topics) for channel in CHANNELS)


def posts(stack: LocalStack) -> list[tuple[str, str]]:
    return sorted((str(m["channel"]), str(m["text"])) for m in stack.slack.posts())


def serve(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return start_bot({**env, "PORT": str(free_port())}, cwd)


def stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM, as a deploy stops the bot; returns its logs."""
    logs = stop_bot(process)
    assert process.returncode == 0, logs
    return logs


def test_serve_and_relay_once_sending_at_once_post_each_message_once(tmp_path: Path) -> None:
    topics = 6
    with LocalStack(directory=tmp_path) as stack:
        env = shared_database(stack, tmp_path, topics)
        stack.slack.delays["chat.postMessage"] = 0.3
        server = serve(env, tmp_path)
        try:
            wait_for(lambda: len(stack.slack.posts()) >= 2, timeout=30)  # serve is sending
            cron = run_cli("relay", "--once", env=env, cwd=tmp_path)
            wait_for(lambda: len(stack.slack.posts()) >= topics * len(CHANNELS), timeout=60)
        finally:
            stop(server)

        assert posts(stack) == expected_posts(topics)
    found = re.search(r"sent: (\d+)", cron.stdout)
    assert found, cron.stdout + cron.stderr
    assert 0 < int(found.group(1)) < topics * len(CHANNELS)  # both processes sent some


def test_two_serves_on_one_database_post_each_message_once(tmp_path: Path) -> None:
    topics = 6
    with LocalStack(directory=tmp_path) as stack:
        env = shared_database(stack, tmp_path, topics)
        stack.slack.delays["chat.postMessage"] = 0.3
        old = serve(env, tmp_path)
        new = None
        try:
            wait_for(lambda: len(stack.slack.posts()) >= 2, timeout=30)
            new = serve(env, tmp_path)  # a deploy: the new process starts beside the old
            wait_for(lambda: len(stack.slack.posts()) >= topics * len(CHANNELS), timeout=60)
        finally:
            stop(old)
            if new is not None:
                stop(new)

        assert posts(stack) == expected_posts(topics)


def test_a_sender_killed_mid_send_leaves_that_message_to_the_survivor(tmp_path: Path) -> None:
    topics = 3
    with LocalStack(directory=tmp_path) as stack:
        env = shared_database(stack, tmp_path, topics)
        stack.slack.delays["chat.postMessage"] = 1.0
        victim = subprocess.Popen(
            [sys.executable, "-m", "bot", "relay", "--once"],
            env=clean_environment({**env, "BOT_CLAIM_SECONDS": "3"}),
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: len(stack.slack.calls_to("chat.postMessage")) >= 2, timeout=30)
        victim.kill()  # SIGKILL while its second message waits on Slack
        victim.wait(timeout=10)
        [lost] = wait_for(lambda: stack.slack.abandoned, timeout=10)
        store = Store(tmp_path / "shared.db")
        with store.file.read() as db:
            held = db.table("outbox").count_where("state = 'pending' AND claimed_by IS NOT NULL")
        store.close()
        stack.slack.delays["chat.postMessage"] = 0.1

        survivor = serve(env, tmp_path)
        try:
            wait_for(lambda: len(stack.slack.posts()) >= topics * len(CHANNELS), timeout=60)
        finally:
            stop(survivor)

        assert held == 1  # the dead process held only the message it was sending
        assert posts(stack) == expected_posts(topics)
        assert (lost.args["channel"], lost.args["text"]) in posts(stack)


# --- one process's side of it, on a shared file (a second Store is the other process) ---


def other_process(stack: LocalStack) -> Store:
    return Store(stack.settings.database)


def queue(stack: LocalStack, *keys: str) -> None:
    stack.store.outbox.add(
        [OutboxMessage(key=key, target="CQUIET", text=key, blocks=[], created_at=utc_now()) for key in keys]
    )


def test_a_message_another_sender_holds_waits_until_its_claim_runs_out(relay_stack: LocalStack) -> None:
    queue(relay_stack, "k1")
    other = other_process(relay_stack)
    claimed_at = utc_now()
    assert other.outbox.claim("k1", "other", claimed_at + CLAIM, claimed_at)
    client = WebClient(token="xoxb-local", base_url=relay_stack.slack.api_url)
    now = [claimed_at + timedelta(seconds=30)]
    slack_users = SlackUsers(client, reported=relay_stack.store.slack_profiles)
    store = relay_stack.store
    sender = OutboxSender(client, store.outbox, slack_users, clock=lambda: now[0], turns=store.channel_turns)

    assert sender.deliver_due() == 0  # the other process is sending it
    assert relay_stack.slack.calls_to("chat.postMessage") == []
    now[0] = claimed_at + CLAIM
    assert sender.deliver_due() == 1  # ...or it died: its claim ran out
    other.close()


def test_stopping_releases_claims_so_another_process_need_not_wait(relay_stack: LocalStack) -> None:
    queue(relay_stack, "k1", "k2")
    sender = relay_stack.bot.relay.sender
    now = utc_now()
    relay_stack.store.outbox.claim("k1", sender.owner, now + CLAIM, now)  # a send that raised
    stop = threading.Event()
    stop.set()

    assert sender.deliver_due(stop) == 0

    other = other_process(relay_stack)
    assert other.outbox.claim("k1", "other", now + CLAIM, now)
    other.close()


def test_a_stopping_cycle_leaves_portal_changes_for_the_next_process(relay_stack: LocalStack) -> None:
    withdrawal = RelayedChange(
        key="post:1:CNEWS",
        change=WITHDRAWN,
        channel="CNEWS",
        ts="1.1",
        text="gone",
        blocks=[],
        created_at=utc_now(),
    )
    relay_stack.store.relayed_changes.add([withdrawal])
    stop = threading.Event()
    stop.set()  # SIGTERM: the cycle's stop event reaches chat.update's pass too

    relay_stack.bot.relay.cycle(stop)

    assert relay_stack.slack.calls_to("chat.update") == []
    assert [c.key for c in relay_stack.store.relayed_changes.in_state("pending")] == ["post:1:CNEWS"]


def test_a_long_retry_after_ends_the_send_and_the_message_waits_in_the_outbox(
    relay_stack: LocalStack,
) -> None:
    # Three in-call waits of 60 s would outlast the two-minute claim, and another process
    # could send the message meanwhile: a long Retry-After ends the call instead.
    relay_stack.slack.rate_limited["chat.postMessage"] = 1
    relay_stack.slack.retry_after = 60
    queue(relay_stack, "k1")

    assert relay_stack.bot.relay.sender.deliver_due() == 0

    assert len(relay_stack.slack.calls_to("chat.postMessage")) == 1
    waiting = relay_stack.store.outbox.get("k1")
    assert waiting is not None and waiting.last_error == "ratelimited"
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at >= utc_now() + timedelta(seconds=55)


def test_a_relay_skips_the_poll_while_another_process_polls_but_still_delivers(
    relay_stack: LocalStack, board: Board
) -> None:
    board.thread("Seen by the poller only")
    queue(relay_stack, "k1")
    other = other_process(relay_stack)
    other.leases.acquire(POLL_LEASE, "other", timedelta(minutes=2), utc_now())
    lists_before = len(relay_stack.nexudus.calls("GET", THREADS))

    skipped = relay_stack.bot.relay.run_once()

    assert skipped == "poll skipped: another bot process is polling, sent: 1"
    assert len(relay_stack.nexudus.calls("GET", THREADS)) == lists_before
    other.leases.release(POLL_LEASE, "other")
    assert "new threads: 1" in relay_stack.bot.relay.run_once()
    other.close()


def test_digests_are_recorded_by_the_process_holding_their_lease(relay_stack: LocalStack) -> None:
    other = other_process(relay_stack)
    other.leases.acquire(DIGEST_LEASE, "other", timedelta(minutes=2), utc_now())

    summary = relay_stack.bot.relay.digest_pass()

    assert summary == "digests skipped: another bot process is recording them, 0 message(s) sent"
    other.close()


def test_draft_retries_run_in_one_process_at_a_time(relay_stack: LocalStack) -> None:
    other = other_process(relay_stack)
    other.leases.acquire(DRAFT_RETRY_LEASE, "other", timedelta(minutes=2), utc_now())

    def run() -> int | None:
        return retry_drafts_exclusively(
            relay_stack.bot.relay.leases,
            poster=relay_stack.bot.poster,
            drafts=relay_stack.store.drafts,
            notifier=relay_stack.bot.notices,
            now=utc_now(),
        )

    assert run() is None
    other.leases.release(DRAFT_RETRY_LEASE, "other")
    assert run() == 0  # nothing due, but it ran
    other.close()
