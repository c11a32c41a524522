"""Modal views shown after Post: working, posted, kept as a draft, or not possible."""

from __future__ import annotations

from typing import Any

from bot.outcomes import Deferred, GaveUp, NotLinked, Posted
from handlers import ids
from handlers.blocks.text import escape, mrkdwn, plain


def _result(title: str, lines: list[str], *, url: str | None = None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn("\n".join(lines))}]
    if url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ids.OPEN_IN_PORTAL_ACTION,
                        "text": plain("Open in portal"),
                        "url": url,
                    }
                ],
            }
        )
    return {
        "type": "modal",
        "callback_id": ids.RESULT_MODAL,
        "title": plain(title),
        "close": plain("Done"),
        "blocks": blocks,
    }


def posting_view(subject: str) -> dict[str, Any]:
    return _result(
        "Posting…",
        [
            f":hourglass_flowing_sand: Posting *{escape(subject)}* to the Discussion Board…",
            "Nexudus is taking a moment. You can close this; we will DM you if anything goes wrong.",
        ],
    )


def posted_view(posted: Posted) -> dict[str, Any]:
    lines = [f":white_check_mark: *{escape(posted.subject)}* is on the Discussion Board."]
    if posted.share_problem:
        lines.append(f"It was not shared in the channel: {posted.share_problem}")
    return _result("Thread posted", lines, url=posted.url)


def deferred_view(outcome: Deferred | GaveUp) -> dict[str, Any]:
    retrying = isinstance(outcome, Deferred)
    return _result(
        "Saved as a draft",
        [
            f":floppy_disk: Your thread is saved: {outcome.reason}.",
            "We will keep trying for a while and DM you when it is posted."
            if retrying
            else "Use *Retry* or *Edit* in the message we sent you.",
            "Nothing you typed is lost: the message we sent you has *Retry* and *Edit* buttons.",
        ],
    )


def not_linked_view(outcome: NotLinked) -> dict[str, Any]:
    return _result("No portal account", [not_linked_text(outcome.email)])


def not_linked_text(email: str | None) -> str:
    if email:
        found = f"No Nexudus member account uses your Slack email ({escape(email)})."
    else:
        found = "Slack does not share an email address for you, so we cannot find your Nexudus account."
    return (
        f":warning: {found} Nothing was posted.\n"
        "Ask a community manager to link you: `/newthread link @you <your portal email>`."
    )


def busy_view() -> dict[str, Any]:
    return _result(
        "Already posting",
        [":hourglass_flowing_sand: This thread is already being posted; it will not be posted twice."],
    )
