"""The scheduler only wires jobs: one instance each, missed runs coalesced."""

from __future__ import annotations

import threading
from unittest.mock import Mock

from bot.scheduler import build_scheduler


def test_jobs_run_one_at_a_time_and_coalesce() -> None:
    scheduler = build_scheduler(Mock(), Mock(), Mock(), poll_seconds=60, stop=threading.Event())
    scheduler.start(paused=True)  # job defaults apply once the scheduler has started
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)

    assert set(jobs) == {"retry_drafts", "refresh_directory", "relay", "digests", "deliveries"}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
