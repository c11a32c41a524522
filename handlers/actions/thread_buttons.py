"""Mute thread / Unfollow, on a relayed reply or the Home tab: written to Nexudus as the member."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.portal import PortalError
from bot.services import Services
from handlers.blocks.result_views import not_linked_text
from handlers.blocks.text import mrkdwn
from handlers.events.app_home import HomeTab


def mute_thread(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, *, services: Services, home: HomeTab
) -> None:
    ack()
    _change_thread(body, client, respond, services, home, mute=True)


def unfollow_thread(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, *, services: Services, home: HomeTab
) -> None:
    ack()
    _change_thread(body, client, respond, services, home, mute=False)


def _change_thread(
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
    home: HomeTab,
    *,
    mute: bool,
) -> None:
    user_id = body["user"]["id"]
    thread_id = int(body["actions"][0]["value"])
    try:
        member = services.identities.resolve(user_id)
        if member.portal_user_id is None:
            respond(text=not_linked_text(member.email), replace_original=False)
            return
        if mute:
            services.portal.mute(thread_id, member.portal_user_id)
        else:
            services.portal.unfollow(thread_id, member.portal_user_id)
    except PortalError as error:
        respond(
            text=f"Nexudus could not be changed right now ({error}). Try again in a minute.",
            replace_original=False,
        )
        return
    done = (
        "Muted: you will hear no more about this thread."
        if mute
        else "Unfollowed: replies to this thread will no longer reach you."
    )
    if body.get("container", {}).get("type") == "view":
        home.forget(user_id)
        home.publish(client, user_id, notice=done)
        return
    kept = [b for b in body["message"]["blocks"] if b["type"] != "actions"]
    client.chat_update(
        channel=body["channel"]["id"],
        ts=body["message"]["ts"],
        text=done,
        blocks=[*kept, {"type": "context", "elements": [mrkdwn(f":white_check_mark: {done}")]}],
    )
