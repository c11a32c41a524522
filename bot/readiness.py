"""``GET /healthz``: can this bot do its work now? The database takes a write, the relay
polls on time, the outbox is not stuck, and nothing is paused (a refused token or login).

Only local state is read (SQLite, through a probe of its own with a short timeout), never
Slack or Nexudus, so a check costs milliseconds, and bot processes on one database agree
once each has read the webhooks' health (the poll's expected pace depends on it). 200 when
ready, 503 when not, with short reason codes only: the port may be public, so the why (which
can quote Nexudus or name people) goes to the log instead, once per change. A report is
reused for ``REUSE`` so that a flood of requests costs one probe.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from bot.clock import Clock, utc_now
from bot.relay.watch import WINDOW
from bot.webhooks.health import CATCH_UP, WebhookHealth
from store import Store

log = logging.getLogger(__name__)

# A write waits this long for another process's write transaction (ours last milliseconds,
# store/database.py): longer means the database is stuck for the bot too.
WRITE_PROBE_TIMEOUT = 0.5
# Polls missed in a row before the relay counts as stale: one slow or failed poll is not.
MISSED_POLLS = 3
# Messages due this long and still unsent: delivery is stuck, not merely busy (a burst of
# a few hundred paced messages drains in minutes).
STUCK_BACKLOG = timedelta(minutes=15)
# A report younger than this is answered again: the write probe takes SQLite's write lock,
# and anyone who reaches PORT could otherwise make the bot's own writes queue behind theirs.
REUSE = timedelta(seconds=2)

# Why some work is paused (a refused Slack token, a refused Nexudus login), or None.
PauseProbe = Callable[[], str | None]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # for the log: may quote an error or a refusal
    figures: dict[str, float | int | None] = field(default_factory=dict)
    code: str = ""  # when not ok: the public reason, a fixed word such as "poll_stale"


@dataclass(frozen=True)
class ReadinessReport:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    def reasons(self) -> list[str]:
        """Why not ready, in words: for the log and operators, never for the public body."""
        return [f"{check.name}: {check.detail}" for check in self.checks if not check.ok]

    def codes(self) -> list[str]:
        return [check.code or f"{check.name}_failed" for check in self.checks if not check.ok]

    def as_json(self) -> dict[str, Any]:
        """The public body: ready or not, reason codes, and each check's state with its
        figures (database writable, last poll age, outbox backlog); numbers, no free text."""
        checks = {check.name: {"ok": check.ok, **check.figures} for check in self.checks}
        return {"ready": self.ready, "reasons": self.codes(), "checks": checks}


def poll_interval(
    poll_seconds: int, webhooks: Callable[[], WebhookHealth | None] | None = None
) -> Callable[[], timedelta]:
    """How often the relay polls now (``webhooks``: ``WebhookMonitor.latest``, which calls
    nothing): a 10-minute catch-up while webhooks are healthy, else ``BOT_POLL_SECONDS``."""

    def current() -> timedelta:
        health = webhooks() if webhooks is not None else None
        if health is not None and health.state == "healthy":
            return CATCH_UP
        return timedelta(seconds=poll_seconds)

    return current


class Readiness:
    """``paused``: name → probe, one check per pause another part of the bot keeps
    (``SlackHealth.paused``, ``NexudusLogin.refusal``), given by the app factory."""

    def __init__(
        self,
        *,
        store: Store,
        poll_interval: Callable[[], timedelta],
        clock: Clock = utc_now,
        paused: Mapping[str, PauseProbe] | None = None,
        write_timeout: float = WRITE_PROBE_TIMEOUT,
    ) -> None:
        self._store = store
        self._poll_interval = poll_interval
        self._clock = clock
        self._paused = dict(paused or {})
        self._write_timeout = write_timeout
        self._started_at = clock()  # a process that has not polled yet gets as long as a stale one
        self._lock = threading.Lock()  # concurrent requests wait for one report, not each probe
        self._last: tuple[datetime, ReadinessReport] | None = None

    def report(self) -> ReadinessReport:
        """The last report if younger than ``REUSE``, else a new one (its change logged)."""
        with self._lock:
            now = self._clock()
            if self._last is not None and timedelta(0) <= now - self._last[0] < REUSE:
                return self._last[1]
            report = self._checked(now)
            before = self._last[1] if self._last is not None else None
            self._last = (now, report)
        _log_change(before, report)
        return report

    def _checked(self, now: datetime) -> ReadinessReport:
        database = self._database()
        if not database.ok:
            # The store's own connection would queue behind the stuck write for its 15 s
            # busy timeout: the other checks are not tried.
            return ReadinessReport((database,))
        checks = [database, self._poll(now), self._outbox(now)]
        checks += [self._pause(name, probe) for name, probe in self._paused.items()]
        return ReadinessReport(tuple(checks))

    def _database(self) -> Check:
        """Take SQLite's write lock on a connection of our own, then roll back: nothing is
        written, and a read-only, missing or locked file is found within the timeout."""
        try:
            probe = sqlite3.connect(
                f"file:{self._store.file.path}?mode=rw", uri=True, timeout=self._write_timeout
            )
        except sqlite3.Error as error:
            detail = f"cannot open {self._store.file.path}: {error}"
            return Check("database", False, detail, code="database_unavailable")
        try:
            probe.execute("BEGIN IMMEDIATE")
            # A write inside the transaction: a read-only file refuses it here, not at BEGIN.
            probe.execute("UPDATE job_runs SET name = name WHERE 0")
            probe.rollback()
        except sqlite3.Error as error:
            return Check("database", False, f"not writable: {error}", code="database_not_writable")
        finally:
            probe.close()
        return Check("database", True, "writable")

    def _poll(self, now: datetime) -> Check:
        last = self._store.relay_state.cursor_recorded_at(WINDOW)
        every = self._poll_interval()
        since = max(last, self._started_at) if last is not None else self._started_at
        age = now - since
        figures: dict[str, float | int | None] = {
            "age_seconds": round(age.total_seconds()),
            "interval_seconds": round(every.total_seconds()),
        }
        what = f"last poll {_ago(last, now)}" if last is not None else "no poll yet"
        detail = f"{what}; polls every {_duration(every)}"
        if age > MISSED_POLLS * every:
            return Check("poll", False, f"stale: {detail}", figures, code="poll_stale")
        return Check("poll", True, detail, figures)

    def _outbox(self, now: datetime) -> Check:
        backlog = self._store.outbox.backlog(now)
        waited = now - backlog.due_since if backlog.due_since is not None else timedelta(0)
        figures: dict[str, float | int | None] = {
            "due": backlog.due,
            "oldest_due_seconds": round(waited.total_seconds()),
        }
        if backlog.due == 0:
            return Check("outbox", True, "nothing waiting", figures)
        detail = f"{backlog.due} message(s) due, the oldest for {_duration(waited)}"
        if waited <= STUCK_BACKLOG:
            return Check("outbox", True, detail, figures)
        return Check("outbox", False, f"stuck: {detail}", figures, code="outbox_stuck")

    @staticmethod
    def _pause(name: str, probe: PauseProbe) -> Check:
        why = probe()
        if why is None:
            return Check(name, True, "ok")
        return Check(name, False, f"paused: {why}", code=f"{name}_paused")


def readiness_endpoint(readiness: Readiness) -> WSGIApplication:
    """``GET /healthz``: ready or not and reason codes as JSON, 200 when ready, 503 when not."""

    def answer(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        report = readiness.report()
        body = json.dumps(report.as_json()).encode()
        status = "200 OK" if report.ready else "503 Service Unavailable"
        start_response(
            status,
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]

    return answer


def _log_change(before: ReadinessReport | None, now: ReadinessReport) -> None:
    """The reasons in words, when they change: the public answer carries codes only."""
    if before is not None and before.reasons() == now.reasons():
        return
    if not now.ready:
        log.warning("not ready: %s", "; ".join(now.reasons()))
    elif before is not None:
        log.info("ready again")


def _ago(moment: datetime, now: datetime) -> str:
    return f"{_duration(now - moment)} ago"


def _duration(span: timedelta) -> str:
    seconds = max(0, round(span.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
