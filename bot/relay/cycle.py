"""One relay cycle (poll, plan, record, deliver) and the digest pass: shared by the
scheduler in ``serve`` and by ``python -m bot relay --once`` / ``digest --now``.

Several bot processes may share one database: one at a time polls (the ``poll`` lease) and
one at a time records digests (``digests``); every process delivers, claims keeping each
message to one sender."""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.clock import Clock, utc_now
from bot.job_runs import RELAY_DIGESTS, RELAY_POLL, JobOutcome, Skipped, run_recorded
from bot.leases import LeaseKeeper
from bot.nexudus_login import NexudusLogin
from bot.portal import PortalAuthError, PortalError
from bot.relay.change_delivery import ChangeSender
from bot.relay.changes import PortalChanges
from bot.relay.delivery import OutboxSender
from bot.relay.digests import DigestSender
from bot.relay.keys import ChannelPostKey, parse_outbox_key
from bot.relay.plan import Plan, RelayPlanner
from bot.relay.watch import Activity, BoardWatcher
from bot.slack_health import SlackHealth, token_refusal
from store import Store
from store.relay_state import record_poll

log = logging.getLogger(__name__)

POLL_LEASE = "poll"
DIGEST_LEASE = "digests"
# ``digest --now`` waits this long for a digest pass another process is running.
FORCED_DIGEST_PATIENCE = 30.0
# While Slack refuses the token nothing is polled, so nothing needs Slack lookups: the window
# still starts at the last recorded poll, and the seen ids it needs are only forgotten by a
# poll, so the first poll after the pause covers all of it, once.
SLACK_PAUSED = "paused: Slack refuses the bot's token; the poll window and the outbox are kept"
# Seen ids only matter inside the overlap window; keep two days of them.
SEEN_KEPT = timedelta(days=2)


@dataclass
class Relay:
    store: Store
    watcher: BoardWatcher
    planner: RelayPlanner
    sender: OutboxSender
    digests: DigestSender
    clock: Clock = utc_now  # the app's clock, as every other service has
    # Portal edits and removals carried to channel posts, after the poll (issue 8).
    changes: PortalChanges | None = None
    change_sender: ChangeSender | None = None
    slack_health: SlackHealth | None = None  # pauses the relay while Slack refuses the token
    nexudus_login: NexudusLogin | None = None  # tells admins once when Nexudus refuses the bot
    leases: LeaseKeeper = field(init=False)

    def __post_init__(self) -> None:
        self.leases = LeaseKeeper(self.store.leases, clock=self.clock)

    def run_once(self, stop: threading.Event | None = None, now: datetime | None = None) -> str:
        """One cycle, recorded as ``relay.poll`` (``relay --once``, the demo); returns its summary."""
        work = functools.partial(self.cycle, stop, now)
        return run_recorded(RELAY_POLL, work, runs=self.store.relay_state, clock=self.clock)

    def cycle(self, stop: threading.Event | None = None, now: datetime | None = None) -> JobOutcome:
        """Poll the board (unless another process is polling: then ``Skipped``, as the
        poll's record is that process's), record every delivery it calls for, then send
        what is due."""
        started = now or self.clock()
        if self.slack_health is not None and not self.slack_health.ready():
            return SLACK_PAUSED
        with self.leases.hold(POLL_LEASE) as polling:
            summary = self._poll(started, stop) if polling else "poll skipped: another bot process is polling"
        summary += f", sent: {self.sender.deliver_due(stop)}"
        return summary if polling else Skipped(summary)

    def changes_only(self, stop: threading.Event | None = None) -> str:
        """Between the catch-up polls of healthy webhooks (which bring only new threads and
        replies): look for portal edits and removals at the normal pace all the same, so a
        thread turned private leaves channels as soon as it would without webhooks."""
        if self.slack_health is not None and not self.slack_health.ready():
            return ""
        with self.leases.hold(POLL_LEASE) as polling:
            if not polling:
                return ""
            return self._portal_changes(self.clock(), Activity(), Plan(), stop).removeprefix(", ")

    def _poll(self, started: datetime, stop: threading.Event | None) -> str:
        try:
            activity, plan = self.poll_and_record(started)
        except PortalAuthError as error:
            # Not a passing outage: the account itself is refused until an admin acts.
            summary = f"Nexudus refused the bot: {error}. Run: python -m bot check"
            log.error("relay: %s", summary)
            if self.nexudus_login is not None:
                self.nexudus_login.refused(error)
            return summary
        except PortalError as error:
            summary = f"Nexudus unavailable: {error}"
            log.warning("relay: %s", summary)
            return summary
        except SlackApiError as error:
            # A lookup (users.lookupByEmail) failed: nothing was recorded, the next poll redoes it.
            summary = f"Slack lookup failed: {error.response.get('error')}"
            log.warning("relay: %s", summary)
            refused = token_refusal(error)
            if refused is not None and self.slack_health is not None:
                self.slack_health.refused(refused)  # the next cycles wait instead
            return summary
        if self.nexudus_login is not None:
            self.nexudus_login.works()
        return (
            f"{'first run: started watching; ' if activity.first_run else ''}"
            f"{recorded_summary(activity, plan)}{self._portal_changes(started, activity, plan, stop)}"
        )

    def _portal_changes(
        self, now: datetime, activity: Activity, plan: Plan, stop: threading.Event | None
    ) -> str:
        """Find portal edits and removals (one list call), then update Slack; under the
        poll lease, so one process looks at a time. A failure waits for the next poll."""
        if self.changes is None or self.change_sender is None:
            return ""
        self.remember_posts(activity, plan, now)
        try:
            found = self.changes.find(now)
        except PortalError as error:
            log.warning("relay: portal changes not checked: %s", error)
            found = 0
        return f", portal changes: {found} found, {self.change_sender.send_due(stop)} applied"

    def remember_posts(self, activity: Activity, plan: Plan, now: datetime) -> None:
        """What each new channel post shows (a poll's or a webhook's), so that a portal edit
        is found by comparing with it, however soon it comes."""
        if self.changes is None:
            return
        new = {t.id: t for t in activity.threads}
        keys = [(m.key, parse_outbox_key(m.key)) for m in plan.messages]
        posted = [(text, new.get(k.thread_id)) for text, k in keys if isinstance(k, ChannelPostKey)]
        self.changes.remember_posted([(text, t) for text, t in posted if t is not None], now)

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
        """One digest pass, recorded as ``relay.digests`` (``digest --now``); returns its summary."""
        work = functools.partial(self.digest_cycle, force=force, stop=stop)
        return run_recorded(RELAY_DIGESTS, work, runs=self.store.relay_state, clock=self.clock)

    def digest_cycle(self, *, force: bool = False, stop: threading.Event | None = None) -> JobOutcome:
        """Record the digests that are due (unless another process is: then ``Skipped``),
        then send what is due."""
        patience = FORCED_DIGEST_PATIENCE if force else 0.0
        if self.slack_health is not None and not self.slack_health.ready():
            # Recorded later instead: their items wait, and a digest is due until it is recorded.
            return SLACK_PAUSED
        with self.leases.hold(DIGEST_LEASE, patience=patience) as recording:
            recorded = self._record_digests(force) if recording else None
        sent = self.sender.deliver_due(stop)
        if recorded is None:
            return Skipped(f"digests skipped: another bot process is recording them, {sent} message(s) sent")
        return f"{recorded} digest(s) recorded, {sent} message(s) sent"

    def _record_digests(self, force: bool) -> int:
        try:
            return self.digests.run(force=force)
        except PortalError as error:
            log.warning("digests postponed: %s", error)
            return 0


def recorded_summary(activity: Activity, plan: Plan) -> str:
    """What a poll or a webhook found and queued, as ``status`` and the logs show it."""
    return (
        f"new threads: {len(activity.threads)}, new replies: {len(activity.replies)}, "
        f"queued: {len(plan.messages)} message(s) and {len(plan.digest_items)} digest item(s)"
    )
