"""Sending portal changes with chat.update: a refused token pauses (nothing failed), a 429 is
not an attempt, a withdrawal is never given up (admins told once), updates are paced per
channel. On a real SQLite file and the Slack emulator; a refusing client where the
emulator has no such answer."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.admin_alerts import AdminAlerts
from bot.relay.change_delivery import MAX_ATTEMPTS, ChangeSender
from bot.slack_health import SlackHealth, slack_paused
from bot.slack_retries import CountingRateLimitRetry
from emulators.slack import FakeSlack
from store import Store
from store.relayed_changes import WITHDRAWN, RelayedChange
from tests.conftest import slack_refusal

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
ADMIN = "UADMIN"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class RefusingClient(WebClient):
    """chat.update always answered with ``error`` (the emulator only refuses posts)."""

    def __init__(self, error: str) -> None:
        super().__init__(token="xoxb-local", base_url="http://127.0.0.1:9/")
        self.error = error
        self.updates: list[str] = []  # shared with the sender's copy of this client

    def chat_update(self, **kwargs: Any) -> SlackResponse:
        self.updates.append(str(kwargs.get("ts")))
        raise slack_refusal(self.error, "chat.update")


def change(key: str, channel: str = "CNEWS", kind: str = WITHDRAWN) -> RelayedChange:
    return RelayedChange(
        key=key, change=kind, channel=channel, ts=f"1.{key}", text="gone", blocks=[], created_at=NOW
    )


def sender(client: WebClient, store: Store, clock: Clock, pace: float = 0, **extra: Any) -> ChangeSender:
    alerts = AdminAlerts(store.alerts, [ADMIN], clock=clock)
    health = SlackHealth(client, alerts=store.alerts, leases=store.leases, admins=alerts, clock=clock)
    return ChangeSender(
        client,
        store.relayed_changes,
        clock=clock,
        health=health,
        alerts=alerts,
        channel_pace=pace,
        turns=store.channel_turns,
        **extra,
    )


def only(store: Store) -> RelayedChange:
    [pending] = store.relayed_changes.in_state("pending")
    return pending


def test_a_refused_token_pauses_updates_and_keeps_every_change_as_it_was(
    slack: FakeSlack, store: Store
) -> None:
    store.relayed_changes.add([change("1"), change("2")])
    slack.revoke_token()
    client = WebClient(token="xoxb-local", base_url=slack.api_url)

    assert sender(client, store, Clock()).send_due() == 0

    assert slack_paused(store) is not None
    assert len(slack.calls_to("chat.update")) == 1  # the pass stopped at the first refusal
    assert [(c.state, c.attempts) for c in store.relayed_changes.in_state("pending")] == [
        ("pending", 0),
        ("pending", 0),
    ]


def test_a_429_waits_for_retry_after_without_counting_an_attempt(slack: FakeSlack, store: Store) -> None:
    store.relayed_changes.add([change("1")])
    slack.rate_limited["chat.update"] = 1
    slack.retry_after = 30
    client = WebClient(token="xoxb-local", base_url=slack.api_url)

    sender(client, store, Clock()).send_due()

    waiting = only(store)
    assert waiting.attempts == 0 and waiting.next_attempt_at == NOW + timedelta(seconds=30)


def test_a_withdrawal_slack_keeps_refusing_is_never_given_up_and_admins_are_told_once(store: Store) -> None:
    store.relayed_changes.add([change("1")])
    clock = Clock()
    client = RefusingClient("not_in_channel")
    updates = sender(client, store, clock)

    for _ in range(MAX_ATTEMPTS + 2):
        clock.now += timedelta(days=1)  # past any backoff
        updates.send_due()

    assert len(client.updates) == MAX_ATTEMPTS + 2
    assert only(store).attempts == MAX_ATTEMPTS + 2
    told = [m for m in store.outbox.in_state("pending") if m.target == f"user:{ADMIN}"]
    assert len(told) == 1 and "should be withdrawn" in told[0].text


def test_an_edit_refused_for_good_is_given_up(store: Store) -> None:
    store.relayed_changes.add([change("1", kind="edit:x")])

    sender(RefusingClient("not_in_channel"), store, Clock()).send_due()

    [failed] = store.relayed_changes.in_state("failed")
    assert failed.last_error == "not_in_channel"


def test_updates_to_one_channel_are_paced_like_posts(slack: FakeSlack, store: Store) -> None:
    store.relayed_changes.add([change("1"), change("2"), change("3"), change("4", channel="COTHER")])
    waits: list[float] = []
    client = WebClient(token="xoxb-local", base_url=slack.api_url)
    clock = Clock()

    def wait(seconds: float) -> None:
        waits.append(seconds)
        clock.now += timedelta(seconds=seconds)  # the wall clock the turns are taken on

    updates = sender(client, store, clock, pace=1.0, sleep=wait)

    assert updates.send_due() == 4

    assert waits == [1.0, 1.0]  # before the 2nd and 3rd update of CNEWS; COTHER's waits not


def test_a_stop_during_a_pace_ends_the_pass_and_leaves_the_rest_due_unclaimed(
    slack: FakeSlack, store: Store
) -> None:
    store.relayed_changes.add([change(str(n)) for n in range(1, 6)])  # one thread's five replies
    stop = threading.Event()
    waits: list[float] = []

    def shutdown_during(seconds: float) -> None:
        waits.append(seconds)
        stop.set()  # SIGTERM while the pass waits out Slack's pace

    client = WebClient(token="xoxb-local", base_url=slack.api_url)
    updates = sender(client, store, Clock(), pace=1.0, sleep=shutdown_during)

    assert updates.send_due(stop) == 1

    assert waits == [1.0] and len(slack.calls_to("chat.update")) == 1
    left = store.relayed_changes.in_state("pending")
    assert len(left) == 4
    assert [c.key for c in store.relayed_changes.due(NOW, owner="another process")] == [c.key for c in left]


class WatchedStop(threading.Event):
    """A stop event that notes each wait on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return super().wait(timeout)


def test_the_pace_waits_on_the_stop_event_so_a_stop_cuts_it_short(store: Store) -> None:
    store.relayed_changes.add([change("1"), change("2")])
    stop = WatchedStop()

    class StoppedDuringAnUpdate(RefusingClient):
        def chat_update(self, **kwargs: Any) -> SlackResponse:
            stop.set()  # SIGTERM while the first update is under way
            return super().chat_update(**kwargs)

    client = StoppedDuringAnUpdate("not_in_channel")
    updates = sender(client, store, Clock(), pace=2.0)  # no sleep given

    updates.send_due(stop)

    assert stop.waits == [2.0]  # the pace was the stop event's wait, over at once as it was set
    assert client.updates == ["1.1"]


def test_a_429_on_an_update_is_counted_though_not_slept_out(slack: FakeSlack, store: Store) -> None:
    store.relayed_changes.add([change("1")])
    slack.rate_limited["chat.update"] = 1
    slack.retry_after = 30
    counted: list[str] = []
    client = WebClient(token="xoxb-local", base_url=slack.api_url)
    client.retry_handlers = [CountingRateLimitRetry(max_retry_count=3, count=counted.append)]

    sender(client, store, Clock()).send_due()

    assert counted == ["chat.update"]  # for bot_slack_rate_limited_total{method}
    assert only(store).next_attempt_at == NOW + timedelta(seconds=30)  # waits in the store
