"""A refused Slack token pauses every sender, keeps the outbox, is probed sparingly, and resumes
once: on a real SQLite file shared by two "processes" (two stores) and the Slack emulator."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.admin_alerts import AdminAlerts
from bot.clock import utc_now
from bot.relay.delivery import OutboxSender
from bot.relay.keys import DmTarget
from bot.slack_health import PROBE_EVERY, SLACK_TOKEN_ALERT, SlackHealth, slack_paused
from bot.slack_users import SlackUsers
from emulators.slack import FakeSlack
from handlers.events.app_lifecycle import token_lost
from store import Store
from store.relay_models import OutboxMessage

ADMIN = "UADMIN"


class MovableClock:
    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.ahead


@dataclass
class Process:
    """One bot process's side: its own connection, sender and health on the shared file."""

    store: Store
    health: SlackHealth
    sender: OutboxSender


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def processes(tmp_path: Path, slack: FakeSlack, clock: MovableClock) -> Iterator[list[Process]]:
    slack.add_user(ADMIN, "Admin", "admin@example.com")  # DMs go only to people Slack knows
    made = [_process(tmp_path / "bot.db", slack, clock) for _ in range(2)]
    yield made
    for process in made:
        process.store.close()


def _process(path: Path, slack: FakeSlack, clock: MovableClock) -> Process:
    store = Store(path)
    client = WebClient(token="xoxb-local", base_url=slack.api_url)
    admins = AdminAlerts(store.alerts, [ADMIN], clock=clock)
    health = SlackHealth(client, alerts=store.alerts, leases=store.leases, admins=admins, clock=clock)
    sender = OutboxSender(
        client,
        store.outbox,
        SlackUsers(client, reported=store.slack_profiles),
        clock=clock,
        turns=store.channel_turns,
        channel_pace=0,
        health=health,
    )
    return Process(store, health, sender)


def queue(store: Store, *keys: str) -> None:
    store.outbox.add(
        [OutboxMessage(key=k, target="CNEWS", text=k, blocks=[], created_at=utc_now()) for k in keys]
    )


def pending(store: Store, key: str) -> tuple[str, int, str | None]:
    message = store.outbox.get(key)
    assert message is not None
    return message.state, message.attempts, message.last_error


def test_a_refused_token_stops_sending_and_keeps_every_message(
    processes: list[Process], slack: FakeSlack
) -> None:
    first = processes[0]
    queue(first.store, "k1", "k2", "k3")
    slack.revoke_token("token_revoked")

    assert first.sender.deliver_due() == 0

    # One send found out; the others were not tried, and nothing was burnt or failed.
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert [pending(first.store, k) for k in ("k1", "k2", "k3")] == [("pending", 0, None)] * 3
    paused = slack_paused(first.store)
    assert paused is not None and "token_revoked" in paused and "SLACK_BOT_TOKEN" in paused
    # Another process does not try at all while paused (its first probe fails).
    assert processes[1].sender.deliver_due() == 0
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_the_refusal_is_logged_at_error_once_across_processes(
    processes: list[Process], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.slack_health"):
        for process in processes * 2:
            process.health.refused("invalid_auth")

    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1
    # No DM can be sent with a dead token: none is queued for the pause itself.
    assert processes[0].store.outbox.count("pending") == 0


def test_while_paused_auth_test_runs_at_most_once_per_interval_across_processes(
    processes: list[Process], slack: FakeSlack, clock: MovableClock
) -> None:
    first, second = processes
    slack.revoke_token("invalid_auth")
    first.health.refused("invalid_auth")

    for _ in range(5):
        assert not first.health.ready()
        assert not second.health.ready()
    # The second process's first look is free (it may have started with a new token).
    assert len(slack.calls_to("auth.test")) == 1

    clock.ahead = PROBE_EVERY + timedelta(seconds=1)
    for _ in range(5):
        assert not first.health.ready()
        assert not second.health.ready()
    assert len(slack.calls_to("auth.test")) == 2


def test_when_the_token_works_again_kept_messages_go_out_once_with_two_senders(
    processes: list[Process], slack: FakeSlack, clock: MovableClock
) -> None:
    first, second = processes
    queue(first.store, "k1", "k2", "k3")
    slack.revoke_token()
    assert first.sender.deliver_due() == 0
    slack.restore_token()
    clock.ahead = PROBE_EVERY + timedelta(seconds=1)

    sent = first.sender.deliver_due() + second.sender.deliver_due()
    sent += first.sender.deliver_due() + second.sender.deliver_due()

    texts = sorted(m["text"] for m in slack.posts("CNEWS"))
    assert texts == ["k1", "k2", "k3"]
    assert slack_paused(first.store) is None
    # Admins hear of the recovery once, after the fact (they could not be told before).
    recovered = [m for m in slack.posts() if m["channel"] == f"D{ADMIN}"]
    assert len(recovered) == 1 and "token again" in recovered[0]["text"]
    assert sent == 4


def test_a_dm_channel_lookup_refused_pauses_too(processes: list[Process], slack: FakeSlack) -> None:
    first = processes[0]
    first.store.outbox.add(
        [OutboxMessage(key="dm", target=DmTarget("UJANE").text(), text="hi", blocks=[], created_at=utc_now())]
    )
    slack.revoke_token("account_inactive")

    assert first.sender.deliver_due() == 0

    assert slack.calls_to("chat.postMessage") == []
    assert pending(first.store, "dm") == ("pending", 0, None)
    assert first.store.alerts.get(SLACK_TOKEN_ALERT) is not None


class Acks:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.count += 1


@pytest.mark.parametrize(
    ("event", "pauses"),
    [
        # The bot's own token: paused at once.
        ({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}, True),
        # Only members' OAuth tokens, which the bot never holds: nothing to pause.
        ({"type": "tokens_revoked", "tokens": {"oauth": ["UJANE"], "bot": []}}, False),
        # The app removed: its token goes with it.
        ({"type": "app_uninstalled"}, True),
    ],
)
def test_lifecycle_events_are_acked_and_pause_when_the_bot_token_goes(
    processes: list[Process], slack: FakeSlack, event: dict[str, Any], pauses: bool
) -> None:
    ack = Acks()

    token_lost(ack, event, health=processes[0].health)  # type: ignore[arg-type]

    assert ack.count == 1
    assert (slack_paused(processes[1].store) is not None) is pauses
    assert slack.calls == []  # no Slack call from the listener
