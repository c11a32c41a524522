"""One relay cycle (poll, plan, record, deliver) and the digest pass: shared by the
scheduler in ``serve`` and by ``python -m bot relay --once`` / ``digest --now``."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.clock import utc_now
from bot.portal import PortalError
from bot.relay.delivery import OutboxSender
from bot.relay.digests import DigestSender
from bot.relay.plan import Plan, RelayPlanner
from bot.relay.watch import Activity, BoardWatcher
from store import Store
from store.relay_state import record_poll

log = logging.getLogger(__name__)

RELAY_JOB = "relay"
# Seen ids only matter inside the overlap window; keep two days of them.
SEEN_KEPT = timedelta(days=2)


@dataclass
class Relay:
    store: Store
    watcher: BoardWatcher
    planner: RelayPlanner
    sender: OutboxSender
    digests: DigestSender

    def run_once(self, stop: threading.Event | None = None, now: datetime | None = None) -> str:
        """Poll the board, record every delivery it calls for, then send what is due."""
        started = now or utc_now()
        try:
            activity, plan = self.poll_and_record(started)
        except PortalError as error:
            summary = f"Nexudus unavailable: {error}"
            log.warning("relay: %s", summary)
        except SlackApiError as error:
            # A lookup (users.lookupByEmail) failed: nothing was recorded, the next poll redoes it.
            summary = f"Slack lookup failed: {error.response.get('error')}"
            log.warning("relay: %s", summary)
        else:
            summary = (
                f"{'first run: started watching; ' if activity.first_run else ''}"
                f"new threads: {len(activity.threads)}, new replies: {len(activity.replies)}, "
                f"queued: {len(plan.messages)} message(s) and {len(plan.digest_items)} digest item(s)"
            )
        sent = self.sender.deliver_due(stop)
        summary += f", sent: {sent}"
        self.store.relay_state.record_run(RELAY_JOB, started, utc_now(), summary)
        return summary

    def poll_and_record(self, now: datetime) -> tuple[Activity, Plan]:
        """The first half of a cycle: find what is new and record every delivery it needs."""
        activity = self.watcher.poll(now)
        plan = self.planner.plan(activity, now)
        record_poll(
            self.store.file,
            messages=plan.messages,
            digest_items=plan.digest_items,
            seen=activity.seen,
            cursors=activity.cursors,
            now=now,
        )
        self.store.relay_state.forget_seen_before(now - SEEN_KEPT)
        return activity, plan

    def digest_pass(self, *, force: bool = False, stop: threading.Event | None = None) -> str:
        try:
            recorded = self.digests.run(force=force)
        except PortalError as error:
            log.warning("digests postponed: %s", error)
            recorded = 0
        sent = self.sender.deliver_due(stop)
        return f"{recorded} digest(s) recorded, {sent} message(s) sent"
