"""The admins' section of the Home tab: the identity reconciliation report, summarised.

Slack allows 100 blocks in a Home view and 3000 characters in a section: each case is one
section listing at most ``LISTED`` people; ``python -m bot people`` lists everyone.
"""

from __future__ import annotations

from typing import Any

from bot.home import REPORT_TTL
from bot.reconciliation import ReconciliationReport
from bot.slack_text import SECTION_TEXT
from handlers.blocks.text import escape, mrkdwn, shorten, shorten_mrkdwn

LISTED = 10
LINE = 240  # characters of one person's line, so LISTED of them fit a section


def admin_section(report: ReconciliationReport) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {"type": "section", "text": mrkdwn("*Admins: Slack and portal accounts* (only admins see this)")},
    ]
    if report.unavailable is not None:
        why = f"Report unavailable ({escape(report.unavailable)}): `python -m bot people` makes it."
        return [*blocks, {"type": "section", "text": mrkdwn(shorten_mrkdwn(why, SECTION_TEXT))}]
    for _, title, action, findings in report.cases():
        if not findings:
            blocks.append({"type": "context", "elements": [mrkdwn(f"{escape(title)}: none.")]})
            continue
        lines = [f"*{escape(title)}: {len(findings)}* → {escape(action)}"]
        lines += [f"• <@{f.slack_user_id}>: {escape(shorten(f.detail, LINE))}" for f in findings[:LISTED]]
        if len(findings) > LISTED:
            lines.append(f"…and {len(findings) - LISTED} more: `python -m bot people` lists all.")
        blocks.append({"type": "section", "text": mrkdwn(shorten_mrkdwn("\n".join(lines), SECTION_TEXT))})
    blocks.append({"type": "context", "elements": [mrkdwn(escape(report.cost()) + _as_of(report))]})
    return blocks


def _as_of(report: ReconciliationReport) -> str:
    if report.made_at is None:
        return ""
    minutes = round(REPORT_TTL.total_seconds() / 60)
    return f" As of {report.made_at:%H:%M} UTC; made again after {minutes} minutes."
