"""Background jobs inside ``serve``: wiring only; the work is done by the services they call.

Each job has an id (``relay.poll``…, shown in logs and ``/newthread status``) and a named
method, and runs through one wrapper that records its run (``bot.job_runs``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import Clock, utc_now
from bot.directory import STALE_AFTER, Directory
from bot.job_runs import (
    DIRECTORY_REFRESH,
    DRAFTS_RETRY,
    RELAY_DELIVER,
    RELAY_DIGESTS,
    RELAY_POLL,
    REPLIES_RESUME,
    JobOutcome,
    Skipped,
    run_recorded,
)
from bot.posting import ThreadPoster
from bot.relay.cycle import Relay
from bot.relay.watch import WINDOW
from bot.retry import DraftNotifier, retry_drafts_exclusively
from bot.two_way.outcomes import ReplyNotifier
from bot.two_way.replies import SlackReplies
from bot.webhooks.health import WebhookMonitor
from store.drafts import DraftRepository
from store.relay_state import RelayStateRepository

DRAFT_RETRY_SECONDS = 30
DIGEST_CHECK_SECONDS = 60
DELIVERY_RETRY_SECONDS = 20


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    work: Callable[[], JobOutcome]
    every: timedelta
    at_start: bool = False  # also run as the scheduler starts, not only one interval later


class BackgroundJobs:
    """The jobs ``serve`` runs: one method each, returning the outcome ``status`` shows."""

    def __init__(
        self,
        *,
        poster: ThreadPoster,
        drafts: DraftRepository,
        directory: Directory,
        notifier: DraftNotifier,
        relay: Relay,
        stop: threading.Event,
        clock: Clock = utc_now,
        replies: SlackReplies,
        reply_notifier: ReplyNotifier,
        webhooks: WebhookMonitor | None = None,
    ) -> None:
        self._replies = replies  # Slack replies a stopped process left half-posted
        self._reply_notifier = reply_notifier
        self._webhooks = webhooks  # healthy webhooks slow the poll to a catch-up
        self._poster = poster
        self._drafts = drafts
        self._directory = directory
        self._clock = clock
        self._notifier = notifier
        self._relay = relay
        self._stop = stop

    def poll_relay(self) -> JobOutcome:
        if self._webhooks is not None:
            last_poll = self._relay.store.relay_state.cursor_recorded_at(WINDOW)
            held_back = self._webhooks.poll_held_back(last_poll)
            if held_back is not None:
                changes = self._relay.changes_only(self._stop)
                return Skipped(f"{held_back}; {changes}" if changes else held_back)
        return self._relay.cycle(self._stop)

    def deliver(self) -> JobOutcome:
        return f"{self._relay.sender.deliver_due(self._stop)} message(s) sent"

    def send_digests(self) -> JobOutcome:
        return self._relay.digest_cycle(stop=self._stop)

    def retry_drafts(self) -> JobOutcome:
        attempted = retry_drafts_exclusively(
            self._relay.leases,
            poster=self._poster,
            drafts=self._drafts,
            notifier=self._notifier,
            now=self._clock(),
        )
        if attempted is None:
            return Skipped("another bot process is retrying drafts")
        return f"{attempted} due draft(s) retried"

    def resume_replies(self) -> JobOutcome:
        resumed = self._replies.resume_stuck()
        for reply, outcome in resumed:
            self._reply_notifier.tell(reply, outcome)
        return f"{len(resumed)} reply(ies) left half-posted by a stopped process finished"

    def refresh_directory(self) -> JobOutcome:
        if self._directory.refresh():
            return "locations and groups reloaded"
        return "Nexudus did not answer: the cached locations and groups are kept"

    def schedule(self, *, poll_seconds: int) -> list[ScheduledJob]:
        return [
            ScheduledJob(RELAY_POLL, self.poll_relay, timedelta(seconds=poll_seconds), at_start=True),
            ScheduledJob(RELAY_DELIVER, self.deliver, timedelta(seconds=DELIVERY_RETRY_SECONDS)),
            # Digests are due at minute precision in each target's own time zone.
            ScheduledJob(RELAY_DIGESTS, self.send_digests, timedelta(seconds=DIGEST_CHECK_SECONDS)),
            ScheduledJob(DRAFTS_RETRY, self.retry_drafts, timedelta(seconds=DRAFT_RETRY_SECONDS)),
            ScheduledJob(REPLIES_RESUME, self.resume_replies, timedelta(seconds=DRAFT_RETRY_SECONDS)),
            # Refreshed as often as the cache goes stale, so a form rarely finds it stale.
            ScheduledJob(DIRECTORY_REFRESH, self.refresh_directory, STALE_AFTER, at_start=True),
        ]


def recorded(job: ScheduledJob, runs: RelayStateRepository) -> Callable[[], None]:
    """``job`` as APScheduler calls it: named after its method, its run recorded."""

    @functools.wraps(job.work)
    def run() -> None:
        run_recorded(job.id, job.work, runs=runs)

    return run


def build_scheduler(
    jobs: BackgroundJobs, runs: RelayStateRepository, *, poll_seconds: int, clock: Clock = utc_now
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )
    for job in jobs.schedule(poll_seconds=poll_seconds):
        # APScheduler reads an explicit next_run_time=None as "paused": leave it out instead.
        first: dict[str, Any] = {"next_run_time": clock()} if job.at_start else {}
        scheduler.add_job(
            recorded(job, runs),
            "interval",
            seconds=job.every.total_seconds(),
            id=job.id,
            name=job.id,
            **first,
        )
    return scheduler
