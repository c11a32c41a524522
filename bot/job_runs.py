"""Each background job's id, and the one wrapper that records its runs for ``/newthread status``.

A job returns its outcome in a line, or ``Skipped`` when another bot process holds its
lease: that process records the run, and this one must not overwrite its record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import utc_now
from store.relay_state import JobRun, RelayStateRepository

RELAY_POLL = "relay.poll"
RELAY_DELIVER = "relay.deliver"
RELAY_DIGESTS = "relay.digests"
DRAFTS_RETRY = "drafts.retry"
DIRECTORY_REFRESH = "directory.refresh"
REPLIES_RESUME = "replies.resume"
# Every job, in the order ``/newthread status`` lists them.
JOB_IDS = (RELAY_POLL, RELAY_DELIVER, RELAY_DIGESTS, DRAFTS_RETRY, REPLIES_RESUME, DIRECTORY_REFRESH)

# An error's message can quote a request or a setting: keep credentials out of the database.
_SLACK_TOKEN = re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+")
_BEARER = re.compile(r"(?i)\bbearer\s+[^\s\"',;)\]}]+")
_KEYED_SECRET = re.compile(r"(?i)(password|passwd|secret|token)([\"']?\s*[:=]\s*[\"']?)[^\s\"',;&)\]}]+")
SUMMARY_MAX = 300


@dataclass(frozen=True)
class Skipped:
    """The job did not run here: another process holds its lease (and records its run)."""

    summary: str


JobOutcome = str | Skipped


def run_recorded(
    job_id: str,
    work: Callable[[], JobOutcome],
    *,
    runs: RelayStateRepository,
    clock: Callable[[], datetime] = utc_now,
) -> str:
    """Run ``work`` and record its run under ``job_id`` (unless skipped); returns its summary.

    An error is recorded as a failed run, then raised on, so its caller (APScheduler, or
    the command line) still reports it with its traceback.
    """
    started = clock()
    try:
        outcome = work()
    except Exception as error:
        summary = error_summary(error)
        runs.record_run(
            JobRun(name=job_id, started_at=started, finished_at=clock(), summary=summary, failed=True)
        )
        raise
    if isinstance(outcome, Skipped):
        return outcome.summary
    runs.record_run(JobRun(name=job_id, started_at=started, finished_at=clock(), summary=outcome))
    return outcome


def error_summary(error: BaseException) -> str:
    """The error's class and the first line of its message, credentials hidden, cut short."""
    lines = str(error).strip().splitlines()
    message = _SLACK_TOKEN.sub("[token]", lines[0] if lines else "")
    message = _BEARER.sub("Bearer [hidden]", message)
    message = _KEYED_SECRET.sub(r"\1\2[hidden]", message)
    summary = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…"
