"""Are our webhooks working, and how often must the relay poll as a result?

Healthy means: for every location, both of ours (new thread, new reply) exist, are
``Active`` and have ``ErrorCount`` 0. That reading is an inference: Nexudus documents
``ErrorCount`` and auto-disabling after 10 failures in a row (reference §9), not whether the
count goes back to 0 after a success; if it does not, a webhook that failed once reads as
failing until it is recreated, which costs only a faster poll. While healthy the
scheduled poll runs every 10 minutes, as a catch-up; otherwise every ``BOT_POLL_SECONDS``,
and admins are told once (``bot.admin_alerts``). Checked with one list call, at most once
per ``BOT_POLL_SECONDS`` per process, and only when a shared secret is set.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.admin_alerts import AdminAlerts
from bot.clock import Clock, utc_now
from bot.directory import Directory
from bot.portal import PortalError
from bot.portal.models import Webhook
from bot.webhooks.registry import OUR_ACTIONS, WebhookRegistry

log = logging.getLogger(__name__)

ALERT = "webhooks"
RECOVERED = "Nexudus webhooks work again: the relay is back to a 10-minute catch-up poll."
CATCH_UP = timedelta(minutes=10)
HealthState = Literal["off", "healthy", "failing", "unknown"]


@dataclass(frozen=True)
class WebhookHealth:
    state: HealthState
    problems: tuple[str, ...] = field(default_factory=tuple)
    checked_at: datetime | None = None


def problems_of(ours: list[Webhook], locations: dict[int, str]) -> list[str]:
    """What keeps our webhooks from being healthy, one line per webhook; empty when healthy."""
    found = {(w.business_id, w.action): w for w in ours}
    problems: list[str] = []
    for business_id, name in locations.items():
        for action, what in OUR_ACTIONS.items():
            webhook = found.get((business_id, action))
            if webhook is None:
                problems.append(f"{name}: no {what} webhook")
            elif not webhook.active:
                problems.append(f"{name}: the {what} webhook is disabled")
            elif webhook.error_count:
                last = f", last: {webhook.last_error}" if webhook.last_error else ""
                problems.append(f"{name}: the {what} webhook is failing ({webhook.error_count} errors{last})")
    return problems


class WebhookMonitor:
    def __init__(
        self,
        *,
        registry: WebhookRegistry,
        directory: Directory,
        alerts: AdminAlerts,
        enabled: bool,
        poll_seconds: int,
        clock: Clock = utc_now,
    ) -> None:
        self._registry = registry
        self._directory = directory
        self._alerts = alerts
        self._enabled = enabled
        self._check_every = timedelta(seconds=poll_seconds)
        self.poll_seconds = poll_seconds
        self._clock = clock
        # ``_lock`` guards the reading only, never a Nexudus call: ``latest`` (status,
        # /healthz) must not wait on Nexudus. ``_checking`` makes callers that find the
        # reading stale wait for one check rather than each make their own.
        self._lock = threading.Lock()
        self._checking = threading.Lock()
        self._last: WebhookHealth | None = None

    def latest(self) -> WebhookHealth | None:
        """The last reading, without calling Nexudus (for ``/newthread status``); None before one."""
        if not self._enabled:
            return WebhookHealth("off")
        with self._lock:
            return self._last

    def health(self) -> WebhookHealth:
        """The latest reading, checked again when older than ``BOT_POLL_SECONDS``."""
        if not self._enabled:
            return WebhookHealth("off")
        fresh = self._fresh()
        if fresh is not None:
            return fresh
        with self._checking:
            fresh = self._fresh()  # another caller may have checked while this one waited
            if fresh is not None:
                return fresh
            reading = self._check(self._clock())
            with self._lock:
                self._last = reading
            return reading

    def _fresh(self) -> WebhookHealth | None:
        with self._lock:
            last = self._last
        if last is None or last.checked_at is None or self._clock() - last.checked_at >= self._check_every:
            return None
        return last

    def _check(self, now: datetime) -> WebhookHealth:
        locations = {loc.id: loc.name for loc in self._directory.locations()}
        try:
            ours = self._registry.ours()
        except PortalError as error:
            log.warning("webhook health unknown: %s", error)
            return WebhookHealth("unknown", (f"cannot read the webhooks: {error}",), now)
        if not locations:
            return WebhookHealth("unknown", ("no locations known yet",), now)
        problems = problems_of(ours, locations)
        if problems:
            self._alerts.raise_once(ALERT, self._alert_text(problems))
            return WebhookHealth("failing", tuple(problems), now)
        self._alerts.clear(ALERT, RECOVERED)
        return WebhookHealth("healthy", (), now)

    def _alert_text(self, problems: list[str]) -> str:
        return (
            "Nexudus webhooks are not working:\n• "
            + "\n• ".join(problems)
            + f"\nThe relay polls every {self.poll_seconds} s until they recover. "
            "See `python -m bot webhooks status`; once the cause is fixed, `python -m bot webhooks "
            "install` recreates missing ones and turns disabled ones back on."
        )

    def poll_held_back(self, last_poll: datetime | None) -> str | None:
        """Why the scheduled poll need not run now (webhooks healthy, catch-up not due), or None."""
        if self.health().state != "healthy" or last_poll is None:
            return None
        due = last_poll + CATCH_UP
        if self._clock() >= due:
            return None
        return f"webhooks healthy: catch-up poll every 10 min, next after {due:%H:%M} UTC"
