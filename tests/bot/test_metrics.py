"""``GET /metrics`` from a running app: Prometheus text that prometheus-client's parser reads,
with the figures of what the bot just did."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.clock import utc_now
from bot.metrics import BotMetrics, count_job_runs
from bot.portal import PortalNotFound, PortalUnavailable
from bot.relay.keys import DmTarget
from emulators import seed
from emulators.stack import LocalStack
from store import Store
from store.relay_models import OutboxMessage
from tests.conftest import wait_for

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(stack: LocalStack) -> Samples:
    answer = httpx.get(f"http://127.0.0.1:{stack.server.port}/metrics", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_command_is_counted_by_kind_and_status_with_its_time(stack: LocalStack) -> None:
    assert stack.driver.slash(seed.JANE, "Counted").status_code == 200

    samples = scrape(stack)

    assert value(samples, "bot_slack_requests_total", kind="command", status="200") == 1
    assert value(samples, "bot_slack_request_seconds_count", kind="command") == 1


def test_a_request_claiming_an_unknown_kind_adds_no_label_value(stack: LocalStack) -> None:
    url = f"http://127.0.0.1:{stack.server.port}/slack/events"
    # Unsigned, so refused: but whatever it claims must not become a label value.
    httpx.post(url, json={"type": "U123-made-up"}, timeout=5)

    samples = scrape(stack)

    assert value(samples, "bot_slack_requests_total", kind="other", status="401") == 1
    assert not [key for key in samples if "U123-made-up" in str(key)]


def relayed_dm(stack: LocalStack, key: str, waited: timedelta) -> None:
    message = OutboxMessage(
        key=key, target=DmTarget(seed.JANE).text(), text="New reply", blocks=[], created_at=utc_now() - waited
    )
    stack.store.outbox.add([message])


def test_a_relayed_dm_shows_in_the_outbox_depth_and_the_relay_lag(stack: LocalStack) -> None:
    relayed_dm(stack, "reply:1:user:UJANE", timedelta(seconds=30))
    relayed_dm(stack, "reply:2:user:UJANE", timedelta(seconds=30))
    waiting = scrape(stack)

    assert stack.bot.relay.sender.deliver_due() == 2
    samples = scrape(stack)

    assert value(waiting, "bot_outbox_messages", state="pending") == 2
    assert value(waiting, "bot_outbox_due_messages") == 2
    assert value(samples, "bot_outbox_messages", state="pending") == 0
    assert value(samples, "bot_outbox_messages", state="sent") == 2
    assert value(samples, "bot_relay_lag_seconds_count") == 2
    assert value(samples, "bot_relay_lag_seconds_bucket", le="15.0") == 0
    assert value(samples, "bot_relay_lag_seconds_bucket", le="60.0") == 2


def test_nexudus_answers_are_counted_by_status(stack: LocalStack) -> None:
    before = scrape(stack)
    with pytest.raises(PortalNotFound):
        stack.portal.thread(987654)  # live accounts answer 401 for a missing record
    stack.nexudus.faults.down = True
    with pytest.raises(PortalUnavailable):
        stack.portal.businesses()

    samples = scrape(stack)

    def added(status: str) -> float:
        name = "bot_nexudus_calls_total"
        return value(samples, name, status=status) - value(before, name, status=status)

    assert added("401") == 1
    assert added("503") == 3  # a read is tried three times
    assert added("200") == 1  # the probe that found the token still works


def test_a_slack_429_is_counted_by_method(stack: LocalStack) -> None:
    stack.slack.rate_limited["chat.postMessage"] = 1
    relayed_dm(stack, "reply:3:user:UJANE", timedelta(0))

    assert stack.bot.relay.sender.deliver_due() == 1  # retried after Slack's Retry-After
    samples = scrape(stack)

    assert value(samples, "bot_slack_rate_limited_total", method="chat.postMessage") == 1
    assert len(stack.slack.posts()) == 1


def test_job_runs_are_counted_by_outcome(tmp_path: Path) -> None:
    store = Store(f"{tmp_path}/bot.db")
    metrics = BotMetrics(store)
    scheduler = BackgroundScheduler(timezone="UTC")
    count_job_runs(scheduler, metrics)

    def fails() -> None:
        raise RuntimeError("Nexudus down")

    scheduler.add_job(lambda: None, "date", run_date=utc_now(), id="relay.digests")
    scheduler.add_job(fails, "date", run_date=utc_now(), id="relay.poll")
    scheduler.start()
    try:
        text = wait_for(lambda: _when_counted(metrics, 2))
    finally:
        scheduler.shutdown(wait=True)
        store.close()

    assert 'bot_job_runs_total{job="relay.digests",outcome="ok"} 1.0' in text
    assert 'bot_job_runs_total{job="relay.poll",outcome="failed"} 1.0' in text


def _when_counted(metrics: BotMetrics, runs: int) -> str | None:
    text = metrics.exposition().decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    counted = sum(s.value for s in families["bot_job_runs"].samples if s.name.endswith("_total"))
    return text if counted >= runs else None


def test_with_a_token_set_metrics_answer_only_requests_bearing_it(tmp_path: Path) -> None:
    token = "metrics-token-0123456789"
    with LocalStack(directory=tmp_path, metrics_token=SecretStr(token)) as stack:
        base = f"http://127.0.0.1:{stack.server.port}"
        asked = {
            name: httpx.get(base + "/metrics", headers=headers, timeout=5)
            for name, headers in {
                "none": {},
                "wrong": {"Authorization": "Bearer not-the-token"},
                "not bearer": {"Authorization": f"Basic {token}"},
                "right": {"Authorization": f"Bearer {token}"},
            }.items()
        }
        health = httpx.get(base + "/healthz", timeout=5)

    refused = [asked[name] for name in ("none", "wrong", "not bearer")]
    assert all(answer.status_code == 401 for answer in refused)
    assert all(answer.headers["www-authenticate"].startswith("Bearer") for answer in refused)
    assert all(token not in answer.text and "bot_" not in answer.text for answer in refused)
    assert asked["right"].status_code == 200
    assert any(f.name == "bot_outbox_messages" for f in text_string_to_metric_families(asked["right"].text))
    assert health.status_code != 401  # the health check needs no token
