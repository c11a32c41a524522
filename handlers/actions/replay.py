"""The "Replay failed" button of ``/newthread status``: failed deliveries get another go."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.admins import Admins
from bot.status import BotStatus


def replay_failed(
    ack: Ack, body: dict[str, Any], respond: Respond, *, admins: Admins, status: BotStatus
) -> None:
    ack()
    admin = body["user"]["id"]
    if not admins.is_admin(admin):
        respond(text="Only admins can replay deliveries.", replace_original=False)
        return
    count = status.replay_failed(by=admin)
    respond(text=f"{count} failed deliveries are queued again; sending now.", replace_original=True)
