"""The scheduler wires named jobs (one instance each, missed runs coalesced) through one
wrapper that records every run, failures included, for ``/newthread status``."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import Mock, create_autospec

import pytest

from bot.clock import utc_now
from bot.directory import STALE_AFTER
from bot.job_runs import JOB_IDS, RELAY_DIGESTS, RELAY_POLL, REPLIES_RESUME, Skipped, error_summary
from bot.leases import LeaseKeeper
from bot.relay.cycle import DIGEST_LEASE, POLL_LEASE, Relay
from bot.scheduler import BackgroundJobs, build_scheduler
from bot.two_way.outcomes import ReplyPosted
from bot.two_way.replies import SlackReplies
from handlers.blocks.status import JOB_LABELS, Deliveries, status_message
from store import Store
from store.relay_state import JobRun
from store.slack_replies import SlackReply

NOTHING_STUCK = Deliveries(waiting=0, failed=0, retrying=[], failures=[])
HOLDERS_RUN = JobRun(
    name=RELAY_POLL,
    started_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
    finished_at=datetime(2024, 5, 1, 12, 0, 2, tzinfo=UTC),
    summary="new threads: 3, new replies: 0, queued: 3 message(s) and 0 digest item(s), sent: 3",
)


def relay_on(store: Store) -> Any:
    """A relay whose every job answers at once, with this store's real leases."""
    relay = Mock()
    relay.cycle.return_value = "new threads: 0, sent: 0"
    relay.digest_cycle.return_value = "0 digest(s) recorded, 0 message(s) sent"
    relay.sender.deliver_due.return_value = 2
    relay.leases = LeaseKeeper(store.leases)
    return relay


def nothing_left_half_posted() -> Any:
    replies = create_autospec(SlackReplies, instance=True)
    replies.resume_stuck.return_value = []
    return replies


def jobs_of(store: Store, relay: Any) -> dict[str, Any]:
    directory = Mock()
    directory.refresh.return_value = True
    jobs = BackgroundJobs(
        poster=Mock(),
        drafts=store.drafts,
        directory=directory,
        notifier=Mock(),
        relay=relay,
        stop=threading.Event(),
        replies=nothing_left_half_posted(),
        reply_notifier=Mock(),
    )
    scheduler = build_scheduler(jobs, store.relay_state, poll_seconds=60)
    scheduler.start(paused=True)  # job defaults apply once the scheduler has started
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    return jobs


def test_jobs_have_ids_and_named_callables_and_run_one_at_a_time(store: Store) -> None:
    jobs = jobs_of(store, relay_on(store))

    assert set(jobs) == {
        "relay.poll",
        "relay.deliver",
        "relay.digests",
        "drafts.retry",
        "replies.resume",
        "directory.refresh",
    }
    assert set(jobs) == set(JOB_IDS) == set(JOB_LABELS)  # status lists and names every job
    for job_id, job in jobs.items():
        assert job.name == job_id  # what APScheduler's log lines show
        assert job.func.__name__ != "<lambda>" and job.func.__name__.isidentifier()
        assert job.coalesce is True and job.max_instances == 1


def test_the_directory_is_refreshed_as_often_as_it_goes_stale(store: Store) -> None:
    assert jobs_of(store, relay_on(store))["directory.refresh"].trigger.interval == STALE_AFTER


def test_every_job_records_its_run_and_status_lists_each(store: Store) -> None:
    before = utc_now()
    for job in jobs_of(store, relay_on(store)).values():
        job.func()

    runs = {run.name: run for run in store.relay_state.all_runs()}
    assert set(runs) == set(JOB_IDS)
    assert all(before <= run.started_at <= run.finished_at and not run.failed for run in runs.values())
    assert runs["relay.deliver"].summary == "2 message(s) sent"
    assert runs["drafts.retry"].summary == "0 due draft(s) retried"
    text, _ = status_message(store.relay_state.all_runs(), NOTHING_STUCK)
    for job_id in JOB_IDS:
        assert f"(`{job_id}`): {runs[job_id].finished_at:%Y-%m-%d %H:%M} UTC" in text
    assert "Last relay run (`relay.poll`)" in text and "new threads: 0, sent: 0" in text


def test_a_job_that_raises_is_recorded_as_failed_without_secrets_and_status_shows_it(store: Store) -> None:
    relay = relay_on(store)
    relay.cycle.side_effect = RuntimeError("Slack refused xoxb-1-2-abc (Bearer abc123, password=hunter2)")
    job = jobs_of(store, relay)["relay.poll"]

    with pytest.raises(RuntimeError):  # raised on, for APScheduler to log with its traceback
        job.func()

    run = store.relay_state.last_run("relay.poll")
    assert run is not None and run.failed
    assert run.summary == "RuntimeError: Slack refused [token] (Bearer [hidden], password=[hidden])"
    text, _ = status_message(store.relay_state.all_runs(), NOTHING_STUCK)
    assert "Last relay run (`relay.poll`)" in text and ":x: failed: RuntimeError: Slack refused" in text
    assert "hunter2" not in text and "abc123" not in text


def test_a_job_another_process_ran_keeps_that_process_record(store: Store) -> None:
    store.relay_state.record_run(HOLDERS_RUN)
    relay = relay_on(store)
    relay.cycle.return_value = Skipped("poll skipped: another bot process is polling, sent: 1")

    jobs_of(store, relay)["relay.poll"].func()

    assert store.relay_state.last_run("relay.poll") == HOLDERS_RUN


def test_a_relay_that_skips_the_poll_leaves_the_pollers_record(tmp_path: Path) -> None:
    ours, theirs = Store(tmp_path / "bot.db"), Store(tmp_path / "bot.db")
    theirs.leases.acquire(POLL_LEASE, "other", timedelta(minutes=2), utc_now())
    theirs.relay_state.record_run(HOLDERS_RUN)
    sender = Mock()
    sender.deliver_due.return_value = 1
    relay = Relay(store=ours, watcher=Mock(), planner=Mock(), sender=sender, digests=Mock())

    summary = relay.run_once()

    assert summary == "poll skipped: another bot process is polling, sent: 1"
    assert ours.relay_state.last_run(RELAY_POLL) == HOLDERS_RUN
    ours.close()
    theirs.close()


def test_a_digest_pass_is_recorded_only_by_the_process_recording_digests(tmp_path: Path) -> None:
    ours, theirs = Store(tmp_path / "bot.db"), Store(tmp_path / "bot.db")
    digests = Mock()
    digests.run.return_value = 2
    sender = Mock()
    sender.deliver_due.return_value = 0
    relay = Relay(store=ours, watcher=Mock(), planner=Mock(), sender=sender, digests=digests)
    theirs.leases.acquire(DIGEST_LEASE, "other", timedelta(minutes=2), utc_now())

    skipped = relay.digest_pass()
    assert skipped.startswith("digests skipped") and ours.relay_state.last_run(RELAY_DIGESTS) is None
    theirs.leases.release(DIGEST_LEASE, "other")
    recorded = relay.digest_pass()

    run = ours.relay_state.last_run(RELAY_DIGESTS)
    assert recorded == "2 digest(s) recorded, 0 message(s) sent"
    assert run is not None and run.summary == recorded
    ours.close()
    theirs.close()


@pytest.mark.parametrize(
    ("error", "summary"),
    [
        (ValueError("bad\nsecond line"), "ValueError: bad"),  # first line only
        (KeyError(), "KeyError"),  # no message
        (OSError("token: 'abc' expired"), "OSError: token: '[hidden]' expired"),
        (RuntimeError("x" * 1000), "RuntimeError: " + "x" * 285 + "…"),  # cut to 300 characters
    ],
)
def test_error_summary(error: Exception, summary: str) -> None:
    assert error_summary(error) == summary


def test_replies_left_half_posted_are_finished_and_their_authors_told(store: Store) -> None:
    left = SlackReply(
        channel="C1",
        ts="1.2",
        slack_user_id="U1",
        thread_id=42,
        text="On my way",
        state="posting",
        created_at=utc_now(),
        updated_at=utc_now(),
    )
    replies, notifier = create_autospec(SlackReplies, instance=True), Mock()
    replies.resume_stuck.return_value = [(left, ReplyPosted(7))]
    jobs = BackgroundJobs(
        poster=Mock(),
        drafts=store.drafts,
        directory=Mock(),
        notifier=Mock(),
        relay=relay_on(store),
        stop=threading.Event(),
        replies=replies,
        reply_notifier=notifier,
    )

    summary = jobs.resume_replies()

    notifier.tell.assert_called_once_with(left, ReplyPosted(7))
    assert summary.startswith("1 reply(ies)")
    assert REPLIES_RESUME in jobs_of(store, relay_on(store))
