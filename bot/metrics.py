"""``GET /metrics``: this process's figures in Prometheus's text format.

Each app has a registry of its own (not prometheus-client's global one), so tests can build
several apps in one process. Labels take bounded values only: request kinds, HTTP statuses,
Slack method names, job ids, outbox states; never a user, a channel or a token.

Relay lag is measured from the poll (or webhook) that recorded a message to Slack accepting
it, both on the bot's clock. Portal ``CreatedOn`` stamps may be local time with no offset
(reference §15, ``bot.portal.timestamps``), so a lag from them could be off by hours; the
time before the poll saw an item is at most one poll interval, and ``bot_relay_last_poll_age_seconds``
shows that part.
"""

from __future__ import annotations

import hmac
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.base import BaseScheduler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import SecretStr

from bot.clock import Clock, utc_now
from bot.relay.watch import WINDOW
from store import Store

log = logging.getLogger(__name__)

# What Slack sends (slack-platform.md): anything else, as an unsigned request may claim, is
# "other", so a stranger cannot add label values.
REQUEST_KINDS = frozenset(
    {
        "command",
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "event_callback",
        "url_verification",
    }
)
OUTBOX_STATES = ("pending", "sent", "failed")
# Slack answers within 3 s or the user sees an error; a submission acks by 2 s.
REQUEST_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 21600.0)


def request_kind(body: dict[str, Any]) -> str:
    kind = "command" if "command" in body else str(body.get("type", ""))
    return kind if kind in REQUEST_KINDS else "other"


class BotMetrics:
    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "bot_slack_requests", "Slack requests answered, by kind and HTTP status",
            ["kind", "status"], registry=self.registry,
        )  # fmt: skip
        self._request_seconds = Histogram(
            "bot_slack_request_seconds", "Time to answer a Slack request",
            ["kind"], buckets=REQUEST_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self._nexudus_calls = Counter(
            "bot_nexudus_calls", "Nexudus API answers by HTTP status ('error': no answer)",
            ["status"], registry=self.registry,
        )  # fmt: skip
        self._slack_429s = Counter(
            "bot_slack_rate_limited", "Slack Web API 429 answers, by method",
            ["method"], registry=self.registry,
        )  # fmt: skip
        self._relay_lag = Histogram(
            "bot_relay_lag_seconds", "From the poll that recorded a message to Slack accepting it",
            buckets=LAG_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self._job_runs = Counter(
            "bot_job_runs", "Background job runs (relay.digests: digest runs) by outcome",
            ["job", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.registry.register(StoreCollector(store, clock))
        self._clock = clock

    def request_answered(self, body: dict[str, Any], status: int, seconds: float) -> None:
        kind = request_kind(body)
        self._requests.labels(kind, str(status)).inc()
        self._request_seconds.labels(kind).observe(seconds)

    def nexudus_answered(self, status: str) -> None:
        self._nexudus_calls.labels(status).inc()

    def slack_rate_limited(self, method: str) -> None:
        self._slack_429s.labels(method).inc()

    def message_sent(self, recorded_at: datetime) -> None:
        self._relay_lag.observe(max(0.0, (self._clock() - recorded_at).total_seconds()))

    def job_ran(self, job_id: str, outcome: str) -> None:
        self._job_runs.labels(job_id, outcome).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class StoreCollector(Collector):
    """Figures read from SQLite at scrape time, shared by every process on the database."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depth = self._store.outbox.depth()
            backlog = self._store.outbox.backlog(self._clock())
            last_poll = self._store.relay_state.cursor_recorded_at(WINDOW)
        except sqlite3.Error as error:
            log.warning("metrics: the database could not be read: %s", error)
            return
        outbox = GaugeMetricFamily("bot_outbox_messages", "Outbox messages by state", labels=["state"])
        for state in sorted(set(OUTBOX_STATES) | set(depth)):
            outbox.add_metric([state], depth.get(state, 0))
        yield outbox
        yield GaugeMetricFamily("bot_outbox_due_messages", "Pending messages due now", value=backlog.due)
        now = self._clock()
        waited = (now - backlog.due_since).total_seconds() if backlog.due_since else 0.0
        yield GaugeMetricFamily(
            "bot_outbox_oldest_due_seconds",
            "How long the longest-waiting due message has waited",
            value=waited,
        )
        if last_poll is not None:
            yield GaugeMetricFamily(
                "bot_relay_last_poll_age_seconds",
                "Seconds since the relay last recorded a poll (any process)",
                value=(now - last_poll).total_seconds(),
            )


def metrics_endpoint(metrics: BotMetrics, *, token: SecretStr | None = None) -> WSGIApplication:
    """``GET /metrics`` in the text exposition format; with ``token``, only for requests that
    bear it (``Authorization: Bearer …``, what Prometheus's ``authorization`` setting sends)."""
    expected = f"Bearer {token.get_secret_value()}".encode() if token else None

    def answer(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # WSGI hands headers over as latin-1 text: back to the bytes that were sent.
        given = environ.get("HTTP_AUTHORIZATION", "").encode("latin-1", "replace")
        if expected is not None and not hmac.compare_digest(given, expected):
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
            )
            return [b"Unauthorized: send the BOT_METRICS_TOKEN as a Bearer token.\n"]
        body = metrics.exposition()
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
        return [body]

    return answer


def count_job_runs(scheduler: BaseScheduler, metrics: BotMetrics) -> None:
    """Count each of the scheduler's job runs: ``ok``, ``failed`` (raised) or ``missed``
    (a run skipped because the previous one was still going or the process was busy)."""
    outcomes = {EVENT_JOB_EXECUTED: "ok", EVENT_JOB_ERROR: "failed", EVENT_JOB_MISSED: "missed"}

    def counted(event: Any) -> None:
        metrics.job_ran(str(event.job_id), outcomes.get(event.code, "other"))

    scheduler.add_listener(counted, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
