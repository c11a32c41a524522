"""Messages: command replies, the channel card for a new thread, draft notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.outcomes import Busy, Deferred, GaveUp, NotLinked, Outcome, Posted, Rejected
from handlers import ids
from handlers.blocks.text import escape, mrkdwn, plain
from store.models import Identity

FORM_HELP = ("/newthread [title]", "open the form to start a Discussion Board thread")


def help_text(subcommands: Sequence[tuple[str, str]]) -> str:
    """The form's line, then one line per subcommand: (usage, what it does)."""
    rows = [f"`{usage}`: {meaning}" for usage, meaning in [FORM_HELP, *subcommands]]
    return (
        "*Discussion Board commands*\n"
        + "\n".join(rows)
        + "\nOr use the message shortcut *Post to Discussion Board* on any message. "
        + "Reply notifications and your digest time are on the bot's Home tab."
    )


def misspelt_text(word: str, meant: str) -> str:
    return (
        f"Unknown subcommand `{escape(word)}`: did you mean `/newthread {meant}`? "
        "Try `/newthread help` for the list. For a thread with that title, run `/newthread` "
        "and type the title in the form."
    )


def not_admin_text(name: str) -> str:
    return (
        f"Only admins can run `/newthread {name}` "
        "(workspace admins and owners, and the people in BOT_ADMINS)."
    )


def whoami_text(identity: Identity | None) -> str:
    if identity is None or identity.state != "linked":
        email = identity.email if identity else None
        shown = f" ({escape(email)})" if email else ""
        # A reason says why better than "no member": another organisation, a deactivated account.
        why = escape(identity.reason) if identity and identity.reason else None
        return (
            f"You are not linked to a portal account: {why or f'no member uses your Slack email{shown}'}.\n"
            "Ask a community manager to run `/newthread link @you <portal email>`."
        )
    how = "linked by an admin" if identity.source == "manual" else "matched by your Slack email address"
    return (
        f"You post as *{escape(identity.full_name or 'unnamed member')}* on the portal\n"
        f"• user id: `{identity.portal_user_id}`\n"
        f"• customer id: `{identity.coworker_id if identity.coworker_id else 'none'}`\n"
        f"• {how}"
    )


def draft_notice(subject: str, key: str, outcome: Outcome) -> tuple[str, list[dict[str, Any]]]:
    """The DM about a draft: posted, still waiting (with Retry/Edit), or needing a change."""
    title = escape(subject)
    if isinstance(outcome, Posted):
        link = f" <{outcome.url}|Open in portal>" if outcome.url else ""
        text = f":white_check_mark: Your draft *{title}* is now on the Discussion Board.{link}"
        if outcome.share_problem:
            text += f"\nIt was not shared in the channel: {outcome.share_problem}"
        return text, [{"type": "section", "text": mrkdwn(text)}]
    if isinstance(outcome, Busy):
        text = f":hourglass_flowing_sand: *{title}* is being posted right now."
        return text, [{"type": "section", "text": mrkdwn(text)}]
    text = _waiting_text(title, outcome)
    buttons = [
        {
            "type": "button",
            "action_id": ids.RETRY_DRAFT_ACTION,
            "text": plain("Retry"),
            "value": key,
            "style": "primary",
        },
        {"type": "button", "action_id": ids.EDIT_DRAFT_ACTION, "text": plain("Edit"), "value": key},
    ]
    if isinstance(outcome, Rejected | NotLinked):
        buttons = buttons[1:]
    return text, [{"type": "section", "text": mrkdwn(text)}, {"type": "actions", "elements": buttons}]


def not_your_draft_text(owner_slack_id: str) -> str:
    """For someone pressing Retry or Edit on another member's draft: only its author may."""
    # A mention names the author in the reader's Slack without a users.info call, and an
    # ephemeral reply notifies nobody.
    return f"This draft is <@{owner_slack_id}>'s: only they can retry or edit it."


def _waiting_text(title: str, outcome: Outcome) -> str:
    if isinstance(outcome, Deferred):
        return (
            f":floppy_disk: Your thread *{title}* is saved as a draft: {outcome.reason}. "
            "We will retry automatically and tell you here when it is posted."
        )
    if isinstance(outcome, GaveUp):
        return (
            f":warning: Your draft *{title}* could not be posted: {outcome.reason}. "
            "Nothing is lost: press *Retry* when Nexudus is back, or *Edit* it."
        )
    if isinstance(outcome, Rejected):
        problems = "; ".join(outcome.errors.values())
        return f":pencil2: Your draft *{title}* needs a change before it can be posted: {escape(problems)}"
    assert isinstance(outcome, NotLinked)
    return ":warning: Your draft *" + title + "* was not posted: you have no linked portal account."
