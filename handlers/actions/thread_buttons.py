"""Mute thread / Unfollow, on a relayed reply or the Home tab: written to Nexudus as the member."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.home import Home
from bot.outcomes import NotLinked
from bot.portal import PortalError
from handlers.blocks.result_views import not_linked_text
from handlers.blocks.text import escape, mrkdwn
from handlers.events.app_home import publish_home

MUTED = "Muted: you will hear no more about this thread."
UNFOLLOWED = "Unfollowed: replies to this thread will no longer reach you."


def change_thread(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    change: Callable[[str, int], NotLinked | None],
    done: str,
    home: Home,
) -> None:
    """One listener for both buttons, bound to ``ThreadActions.mute_for`` or ``unfollow_for``."""
    ack()
    user_id = body["user"]["id"]
    try:
        not_linked = change(user_id, int(body["actions"][0]["value"]))
    except PortalError as error:
        respond(
            # The error may quote Nexudus's own message: escaped, as all portal text is.
            text=f"Nexudus could not be changed right now ({escape(str(error))}). Try again in a minute.",
            replace_original=False,
        )
        return
    if not_linked is not None:
        respond(text=not_linked_text(not_linked.email), replace_original=False)
        return
    if body.get("container", {}).get("type") == "view":
        publish_home(client, user_id, home, notice=done, hash=body.get("view", {}).get("hash"))
        return
    kept = [b for b in body["message"]["blocks"] if b["type"] != "actions"]
    client.chat_update(
        channel=body["channel"]["id"],
        ts=body["message"]["ts"],
        text=done,
        blocks=[*kept, {"type": "context", "elements": [mrkdwn(f":white_check_mark: {done}")]}],
    )
