"""Background jobs inside ``serve``: wiring only; the jobs are plain functions elsewhere."""

from __future__ import annotations

import threading

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import utc_now
from bot.relay.cycle import Relay
from bot.retry import DraftNotifier, retry_drafts_exclusively
from bot.services import Services

DRAFT_RETRY_SECONDS = 30
DIRECTORY_REFRESH_MINUTES = 15
DIGEST_CHECK_SECONDS = 60
DELIVERY_RETRY_SECONDS = 20


def build_scheduler(
    services: Services, notifier: DraftNotifier, relay: Relay, *, poll_seconds: int, stop: threading.Event
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )
    scheduler.add_job(
        lambda: retry_drafts_exclusively(
            relay.leases,
            poster=services.poster,
            drafts=services.store.drafts,
            notifier=notifier,
            now=utc_now(),
        ),
        "interval",
        seconds=DRAFT_RETRY_SECONDS,
        id="retry_drafts",
    )
    scheduler.add_job(
        services.directory.refresh,
        "interval",
        minutes=DIRECTORY_REFRESH_MINUTES,
        id="refresh_directory",
        next_run_time=utc_now(),
    )
    scheduler.add_job(
        lambda: relay.run_once(stop), "interval", seconds=poll_seconds, id="relay", next_run_time=utc_now()
    )
    # Digests are due at minute precision in each target's own time zone.
    scheduler.add_job(
        lambda: relay.digest_pass(stop=stop), "interval", seconds=DIGEST_CHECK_SECONDS, id="digests"
    )
    scheduler.add_job(
        lambda: relay.sender.deliver_due(stop), "interval", seconds=DELIVERY_RETRY_SECONDS, id="deliveries"
    )
    return scheduler
