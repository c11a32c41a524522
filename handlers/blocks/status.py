"""``/newthread status``: each background job's last run, and the deliveries that are stuck."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.job_runs import (
    DIRECTORY_REFRESH,
    DRAFTS_RETRY,
    JOB_IDS,
    RELAY_DELIVER,
    RELAY_DIGESTS,
    RELAY_POLL,
    REPLIES_RESUME,
)
from bot.slack_text import SECTION_TEXT
from bot.status import Deliveries
from bot.webhooks.health import CATCH_UP, WebhookHealth
from handlers import ids
from handlers.blocks.text import escape, mrkdwn, plain, shorten, shorten_mrkdwn
from store.audit import AuditEntry
from store.relay_state import JobRun

# What each job is, in words; a test checks that every job has one.
JOB_LABELS = {
    RELAY_POLL: "relay run",
    RELAY_DELIVER: "delivery pass",
    RELAY_DIGESTS: "digest pass",
    DRAFTS_RETRY: "draft retry",
    REPLIES_RESUME: "Slack-reply resumption",
    DIRECTORY_REFRESH: "directory refresh",
}
# An error or detail quoted from Slack or Nexudus, so that ten of them fit beside the jobs.
QUOTED = 160


def status_message(
    runs: Sequence[JobRun],
    deliveries: Deliveries,
    webhooks: WebhookHealth | None = None,
    audit: Sequence[AuditEntry] = (),
    paused: Sequence[str] = (),
) -> tuple[str, list[dict[str, Any]]]:
    """What is paused first (broken credentials, with what to do), then every job in
    ``JOB_IDS`` order (runs of jobs no longer scheduled are left out)."""
    latest = {run.name: run for run in runs}
    lines = [f":warning: *Paused*: {escape(text)}" for text in paused]
    lines += [job_line(job_id, latest.get(job_id)) for job_id in JOB_IDS]
    lines += webhook_lines(webhooks)
    lines.append(f"Deliveries waiting: {deliveries.waiting}. Failed: {deliveries.failed}.")
    lines += [
        f"• retrying `{escape(m.key)}` to {escape(m.target)}: {_quoted(m.last_error or '')}"
        for m in deliveries.retrying
    ]
    lines += [
        f"• failed `{escape(m.key)}` to {escape(m.target)}: {_quoted(m.last_error or 'unknown')}"
        for m in deliveries.failures
    ]
    text = shorten_mrkdwn("\n".join(lines), SECTION_TEXT)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(text)}]
    if deliveries.failed:
        blocks.append({"type": "actions", "elements": [_replay_button(deliveries.failed)]})
    trail = audit_text(audit)
    blocks.append({"type": "section", "text": mrkdwn(trail)})
    return f"{text}\n{trail}", blocks


def audit_text(entries: Sequence[AuditEntry]) -> str:
    """The audit trail's last entries, newest last; all of it: ``python -m bot audit``."""
    if not entries:
        return "*Admin actions*: none recorded yet."
    lines = [
        f"• {e.at:%Y-%m-%d %H:%M} UTC <@{e.actor}> {e.action} {_audit_target(e.target)}"
        + (f": {_quoted(e.detail)}" if e.detail else "")
        for e in entries
    ]
    text = "\n".join(["*Admin actions* (the last few; all: `python -m bot audit`)", *lines])
    return shorten_mrkdwn(text, SECTION_TEXT)


def _quoted(text: str) -> str:
    return escape(shorten(text, QUOTED))


def _audit_target(target: str) -> str:
    # Targets are Slack ids (users U…/W…, channels C…/G…) or a word such as "outbox".
    if target[:1] in ("U", "W"):
        return f"<@{target}>"
    if target[:1] in ("C", "G"):
        return f"<#{target}>"
    return escape(target)


def webhook_lines(health: WebhookHealth | None) -> list[str]:
    """Nexudus webhooks: off, healthy (slow poll) or failing (which, and the poll's pace)."""
    if health is None:
        return ["Nexudus webhooks: not checked yet."]
    if health.state == "off":
        return ["Nexudus webhooks: off (no NEXUDUS_WEBHOOK_SECRET): the relay polls on its own."]
    if health.state == "healthy":
        minutes = int(CATCH_UP.total_seconds() // 60)
        healthy = f"the relay polls every {minutes} minutes to catch up"
        return [f"Nexudus webhooks: :white_check_mark: healthy: {healthy}."]
    word = "failing" if health.state == "failing" else "unknown"
    return [f"Nexudus webhooks: :warning: {word}: the relay polls at its normal pace."] + [
        f"• {_quoted(problem)}" for problem in health.problems
    ]


def job_line(job_id: str, run: JobRun | None) -> str:
    label = f"Last {JOB_LABELS[job_id]} (`{job_id}`)"
    if run is None:
        return f"{label}: not yet."
    took = (run.finished_at - run.started_at).total_seconds()
    outcome = f":x: failed: {escape(run.summary)}" if run.failed else escape(run.summary)
    return f"{label}: {run.finished_at:%Y-%m-%d %H:%M} UTC ({took:.1f} s): {outcome}"


def _replay_button(failed: int) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": ids.REPLAY_FAILED_ACTION,
        "style": "primary",
        "text": plain(f"Replay {failed} failed"),
        "value": "replay",
    }
