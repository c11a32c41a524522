"""The App Home tab: link status, threads followed (with Mute / Unfollow), preferences."""

from __future__ import annotations

from typing import Any

from bot.home import HomePage
from handlers import ids
from handlers.blocks.messages import whoami_text
from handlers.blocks.portal_html import portal_inline
from handlers.blocks.reconciliation import admin_section
from handlers.blocks.relay_messages import thread_buttons
from handlers.blocks.text import escape, mrkdwn, plain, shorten_mrkdwn
from store.relay_models import Preferences, RepliesChoice

REPLY_CHOICES = [
    ("default", "As Nexudus does: instant threads now, others in my digest"),
    ("instant", "As they happen"),
    ("digest", "In my daily digest"),
    ("off", "Off"),
]


def replies_choice(value: str) -> RepliesChoice | None:
    """The option chosen in the replies select; None for "as Nexudus does"."""
    choices: dict[str, RepliesChoice] = {"instant": "instant", "digest": "digest", "off": "off"}
    return choices.get(value)


def home_view(page: HomePage, *, notice: str | None = None) -> dict[str, Any]:
    followed = page.followed
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain("Nexudus Discussion Board")}]
    if notice:
        blocks.append({"type": "context", "elements": [mrkdwn(f":white_check_mark: {notice}")]})
    blocks.append({"type": "section", "text": mrkdwn(whoami_text(page.identity))})
    blocks.append({"type": "divider"})
    blocks += _preferences(page.preferences, page.default_digest_time, page.tz)
    blocks.append({"type": "divider"})
    blocks.append({"type": "section", "text": mrkdwn("*Threads you follow*")})
    if followed is None:
        blocks.append({"type": "context", "elements": [mrkdwn("Loading from Nexudus…")]})
    elif not followed:
        blocks.append({"type": "context", "elements": [mrkdwn("You follow no threads on the portal.")]})
    for thread in followed or []:
        title = shorten_mrkdwn(portal_inline(thread.subject), 150) or "(untitled)"
        url = thread.url
        blocks.append({"type": "section", "text": mrkdwn(f"<{url}|{title}>" if url else f"*{title}*")})
        blocks.append({"type": "actions", "elements": thread_buttons(thread.thread_id, None)})
    if page.admin is not None:
        blocks += admin_section(page.admin)
    return {"type": "home", "blocks": blocks}


def _preferences(prefs: Preferences, default_digest_time: str, tz: str | None) -> list[dict[str, Any]]:
    options = [{"text": plain(text), "value": value} for value, text in REPLY_CHOICES]
    chosen = next(o for o in options if o["value"] == (prefs.replies or "default"))
    zone = f" ({escape(tz)})" if tz else ""
    return [
        {
            "type": "section",
            "text": mrkdwn("*Replies to threads you follow*"),
            "accessory": {
                "type": "static_select",
                "action_id": ids.REPLIES_PREFERENCE_ACTION,
                "options": options,
                "initial_option": chosen,
            },
        },
        {
            "type": "section",
            "text": mrkdwn(f"*Daily digest time*, in your Slack time zone{zone}"),
            "accessory": {
                "type": "timepicker",
                "action_id": ids.DIGEST_TIME_ACTION,
                "initial_time": prefs.digest_time or default_digest_time,
            },
        },
    ]
